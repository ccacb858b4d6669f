package io.denseav.evaluation.metrics;

import static io.denseav.evaluation.metrics.MetricGoldens.TOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** cIoU, cIoU@0.5 and AUC against a numpy port of LVS test.py / utils.py with sklearn.metrics.auc. */
class LocalizationTest {
    static Stream<Arguments> images() {
        return MetricGoldens.cases(MetricGoldens.index().get("localization").get("images"));
    }

    static Stream<Arguments> summaries() {
        return MetricGoldens.cases(MetricGoldens.index().get("localization").get("summaries"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void ciouMatchesLvs(String name, JsonNode e) {
        int h = e.get("h").asInt(), w = e.get("w").asInt();
        int[][] boxes = new int[e.get("boxes").size()][4];
        for (int b = 0; b < boxes.length; b++) for (int k = 0; k < 4; k++) boxes[b][k] = e.get("boxes").get(b).get(k).asInt();
        boolean[] gt = Localization.boxMask(h, w, boxes);
        if (!e.get("gt").isNull()) assertArrayEquals(MetricGoldens.bools(e.get("gt")), gt, "box mask");
        float[] heatmap = MetricGoldens.floats(e.get("heatmap_u8"));
        for (int i = 0; i < heatmap.length; i++) heatmap[i] /= 255f; // the generator's float32(u8) / float32(255)
        double got = Localization.ciou(heatmap, gt);
        if (e.get("ciou").isNull()) assertTrue(Double.isNaN(got), "0/0 is NaN");
        else assertEquals(e.get("ciou").asDouble(), got, TOL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("summaries")
    void summaryMatchesLvs(String name, JsonNode e) {
        Localization.Summary s = Localization.summarize(MetricGoldens.doubles(e.get("cious")));
        assertEquals(e.get("ciou_at_05").asDouble(), s.ciouAt05(), TOL, "cIoU@0.5");
        assertEquals(e.get("auc").asDouble(), s.auc(), TOL, "AUC");
    }

    @Test
    void inferredMaskIsTheTopHalfAndTheMaximum() {
        boolean[] m = Localization.inferredMask(new float[] {0.1f, 0.4f, 0.2f, 0.3f});
        assertArrayEquals(new boolean[] {false, true, false, false}, m); // threshold = sorted[2] = 0.3 (normalised 2/3)
        assertArrayEquals(new boolean[] {true, true}, Localization.inferredMask(new float[] {0.2f, 0.2f})); // 1 + 0.2
        assertArrayEquals(new boolean[] {false, false}, Localization.inferredMask(new float[] {-0.2f, -0.2f}));
        assertTrue(Double.isNaN(Localization.ciou(new boolean[2], new boolean[2])));
    }

    @Test
    void boxesAreHalfOpenAndClamped() {
        boolean[] m = Localization.boxMask(3, 4, new int[][] {{1, 0, 3, 2}, {3, 2, 99, 99}, {2, 2, 1, 3}});
        assertArrayEquals(new boolean[] {
            false, true, true, false,
            false, true, true, false,
            false, false, false, true}, m);
        assertThrows(IllegalArgumentException.class, () -> Localization.boxMask(2, 2, new int[][] {{0, 0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> Localization.summarize(new double[0]));
    }
}
