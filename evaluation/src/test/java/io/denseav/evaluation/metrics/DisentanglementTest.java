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

/** Pred. Dis. and Act. Dis. against DenseAV's disentangle_validation (torch normalisation, sklearn AP). */
class DisentanglementTest {
    static Stream<Arguments> cases() {
        return MetricGoldens.cases(MetricGoldens.index().get("disentanglement"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(String name, JsonNode e) {
        Disentanglement.Result r = Disentanglement.of(MetricGoldens.matrix(e.get("scores")),
                MetricGoldens.bools(e.get("is_sound")));
        assertEquals(e.get("pred_dis").asDouble(), r.predDis(), TOL, "pred dis");
        assertEquals(e.get("act_dis").asDouble(), r.actDis(), TOL, "act dis");
        for (int h = 0; h < 2; h++) {
            assertArrayEquals(MetricGoldens.doubles(e.get("ap").get(h)), r.ap()[h], TOL, "AP head " + h);
            assertArrayEquals(MetricGoldens.doubles(e.get("act").get(h)), r.act()[h], TOL, "Act head " + h);
        }
    }

    @Test
    void constantHeadIsClampedNotDividedByZero() {
        float[][] s = {{3, 0}, {3, 1}, {3, 2}, {3, 3}};
        Disentanglement.Result r = Disentanglement.of(s, new boolean[] {false, false, true, true});
        assertArrayEquals(new double[] {1, 1}, r.act()[0], 0.0); // (3 − 3) / 1e-4 = 0
        assertEquals(0.5, r.ap()[0][0], 0.0); // one tied step: precision 2/4 at recall 1
        assertEquals(1.0, r.ap()[1][1], 0.0);
        assertEquals(1 - 1 / 6.0, r.act()[1][0], 1e-7);
        assertThrows(IllegalArgumentException.class, () -> Disentanglement.of(new float[][] {{1, 2, 3}}, new boolean[1]));
    }
}
