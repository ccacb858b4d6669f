package io.denseav.evaluation.metrics;

import static io.denseav.evaluation.metrics.MetricGoldens.TOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AP and the PR curve against sklearn 1.2.1 (average_precision_score, precision_recall_curve). */
class AveragePrecisionTest {
    static Stream<Arguments> cases() {
        return MetricGoldens.cases(MetricGoldens.index().get("ranking"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void apMatchesSklearn(String name, JsonNode e) {
        float[] scores = MetricGoldens.floats(e.get("scores"));
        boolean[] labels = MetricGoldens.bools(e.get("labels"));
        double got = AveragePrecision.of(scores, labels);
        if (e.get("positives").asInt() == 0) {
            assertTrue(Double.isNaN(got), "no positive gives NaN (sklearn: " + e.get("sklearn_ap").asDouble() + ")");
            return;
        }
        assertEquals(e.get("sklearn_ap").asDouble(), got, TOL, name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fullCurveMatchesSklearn(String name, JsonNode e) {
        JsonNode want = e.get("curve");
        if (want == null) return; // too many thresholds to store
        AveragePrecision.Curve c = AveragePrecision.curve(MetricGoldens.floats(e.get("scores")),
                MetricGoldens.bools(e.get("labels")), Integer.MAX_VALUE);
        assertArrayEquals(MetricGoldens.doubles(want.get("precision")), c.precision(), TOL, "precision");
        assertArrayEquals(MetricGoldens.doubles(want.get("recall")), c.recall(), TOL, "recall");
        assertArrayEquals(MetricGoldens.doubles(want.get("thresholds")), c.thresholds(), 0.0, "thresholds");
    }

    @Test
    void thinnedCurveKeepsEndsAndTerminalPoint() {
        JsonNode e = MetricGoldens.index().get("ranking").get(4); // ties_256_levels_50176
        float[] s = MetricGoldens.floats(e.get("scores"));
        boolean[] l = MetricGoldens.bools(e.get("labels"));
        AveragePrecision.Curve full = AveragePrecision.curve(s, l, Integer.MAX_VALUE);
        AveragePrecision.Curve thin = AveragePrecision.curve(s, l, 20);
        assertEquals(20, thin.precision().length);
        assertEquals(19, thin.thresholds().length);
        int m = full.thresholds().length;
        assertEquals(full.thresholds()[0], thin.thresholds()[0]);
        assertEquals(full.thresholds()[m - 1], thin.thresholds()[18]);
        assertEquals(full.recall()[0], thin.recall()[0]);
        assertEquals(1.0, thin.precision()[19]);
        assertEquals(0.0, thin.recall()[19]);
        for (int j = 1; j < 19; j++) assertTrue(thin.thresholds()[j] > thin.thresholds()[j - 1]);
    }

    @Test
    void tenMillionPixels() {
        int n = 10_000_000;
        SplittableRandom r = new SplittableRandom(7);
        float[] s = new float[n];
        boolean[] l = new boolean[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(10) == 0;
            s[i] = (float) (r.nextDouble() + (l[i] ? 0.3 : 0.0));
        }
        long t0 = System.nanoTime();
        double ap = AveragePrecision.of(s, l);
        System.out.printf("AP of 10^7 pixels: %.4f in %.2f s%n", ap, (System.nanoTime() - t0) / 1e9);
        assertTrue(ap > 0.1 && ap < 1, "ap " + ap);
    }

    @Test
    void perfectAndInvertedRankings() {
        float[] s = {0.9f, 0.8f, 0.1f, 0.2f};
        assertEquals(1.0, AveragePrecision.of(s, new boolean[] {true, true, false, false}), 0.0);
        assertEquals(0.5 * (1 / 3.0 + 2 / 4.0), AveragePrecision.of(s, new boolean[] {false, false, true, true}), 1e-15);
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.of(new float[] {Float.NaN}, new boolean[1]));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.of(new float[2], new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.of(new float[0], new boolean[0]));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.curve(new float[1], new boolean[1], 1));
    }
}
