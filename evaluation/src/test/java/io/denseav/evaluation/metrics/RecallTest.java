package io.denseav.evaluation.metrics;

import static io.denseav.evaluation.metrics.MetricGoldens.TOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.evaluation.metrics.Recall.Direction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Recall@k against DenseAV's torch.topk `_calc_recalls`, and the numpy permutation subsets. */
class RecallTest {
    static Stream<Arguments> cases() {
        return MetricGoldens.cases(MetricGoldens.index().get("recall"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchTopk(String name, JsonNode e) {
        float[][] sim = MetricGoldens.matrix(e.get("sim"));
        int[] ks = new int[e.get("ks").size()];
        for (int i = 0; i < ks.length; i++) ks[i] = e.get("ks").get(i).asInt();
        assertArrayEquals(MetricGoldens.doubles(e.get("audio_to_image")), Recall.atK(sim, ks, Direction.AUDIO_TO_IMAGE),
                TOL, "I_r@k");
        assertArrayEquals(MetricGoldens.doubles(e.get("image_to_audio")), Recall.atK(sim, ks, Direction.IMAGE_TO_AUDIO),
                TOL, "A_r@k");
    }

    @Test
    void directionsReadRowsAndColumns() {
        float[][] s = {{1, 5, 0}, {0, 1, 0}, {0, 0, 1}}; // audio 0 prefers image 1; image 1 still prefers audio 0
        assertArrayEquals(new double[] {2 / 3.0, 1}, Recall.atK(s, new int[] {1, 2}, Direction.AUDIO_TO_IMAGE), 1e-15);
        assertArrayEquals(new double[] {2 / 3.0, 1}, Recall.atK(s, new int[] {1, 2}, Direction.IMAGE_TO_AUDIO), 1e-15);
        float[][] t = {{1, 5, 0}, {0, 6, 0}, {0, 0, 1}}; // now image 1 finds its audio first
        assertArrayEquals(new double[] {1}, Recall.atK(t, new int[] {1}, Direction.IMAGE_TO_AUDIO), 1e-15);
    }

    @Test
    void tiesCountForTheTrueItem() {
        float[][] s = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        assertArrayEquals(new double[] {1, 1}, Recall.atK(s, new int[] {1, 10}, Direction.AUDIO_TO_IMAGE), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Recall.atK(new float[][] {{1, 2}}, new int[] {1},
                Direction.AUDIO_TO_IMAGE));
        assertThrows(IllegalArgumentException.class, () -> Recall.atK(s, new int[] {0}, Direction.AUDIO_TO_IMAGE));
    }

    @Test
    void subsetsAreNumpyPermutations() {
        for (JsonNode e : MetricGoldens.index().get("subset")) {
            int[] want = new int[e.get("indices").size()];
            for (int i = 0; i < want.length; i++) want[i] = e.get("indices").get(i).asInt();
            int[] got = Recall.subset(e.get("n").asInt(), e.get("size").asInt(), e.get("seed").asLong());
            assertArrayEquals(want, got, "n " + e.get("n") + " seed " + e.get("seed"));
        }
        assertEquals(0, Recall.subset(0, 0, 0).length);
        assertThrows(IllegalArgumentException.class, () -> Recall.subset(5, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> Recall.subset(5, 1, 1L << 32));
    }
}
