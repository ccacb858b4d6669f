package io.denseav.evaluation.metrics;

import static io.denseav.evaluation.metrics.MetricGoldens.TOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DenseAV's oracle-threshold IoU (eval_utils.multi_iou, k = 20) against numpy and the torch original. */
class ThresholdIoUTest {
    static Stream<Arguments> cases() {
        return MetricGoldens.cases(MetricGoldens.index().get("ranking"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(String name, JsonNode e) {
        assertEquals(ThresholdIoU.DEFAULT_THRESHOLDS, MetricGoldens.index().get("iou_thresholds").asInt());
        double got = ThresholdIoU.best(MetricGoldens.floats(e.get("scores")), MetricGoldens.bools(e.get("labels")));
        assertEquals(e.get("iou").asDouble(), got, TOL, "numpy float64 thresholds");
        assertEquals(e.get("iou_torch").asDouble(), got, TOL, "torch float32 original");
    }

    @Test
    void linspaceIsNumpys() {
        assertArrayEquals(new double[] {0.25}, ThresholdIoU.linspace(0.25, 9, 1));
        assertArrayEquals(new double[] {1, 1, 1}, ThresholdIoU.linspace(1, 1, 3));
        double[] y = ThresholdIoU.linspace(0.1, 0.7, 20); // np.linspace(0.1, 0.7, 20)[[1, 7, 18, 19]]
        assertEquals(0.13157894736842107, y[1], 0.0);
        assertEquals(0.32105263157894737, y[7], 0.0);
        assertEquals(0.6684210526315789, y[18], 0.0);
        assertEquals(0.7, y[19], 0.0);
    }

    @Test
    void emptyUnionIsZeroAndTopThresholdPredictsNothing() {
        assertEquals(0.0, ThresholdIoU.best(new float[] {0.5f, 0.5f}, new boolean[2]), 0.0); // 0/0 → 0
        // a perfect split is found: thresholds 0, 0.5, 1 and score > 0.5 selects exactly the positive
        assertEquals(1.0, ThresholdIoU.best(new float[] {0f, 0.4f, 1f}, new boolean[] {false, false, true}, 3), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ThresholdIoU.best(new float[1], new boolean[1], 0));
    }
}
