package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The time-chunked conv feature extractor (layer-norm mode, long clips) equals the one-piece graph, forward and
 * backward, including a last chunk that overlaps the one before; group-norm mode and short clips keep the
 * one-piece graph.
 */
class ConvChunkingTest {
    private static final String W0 = "feature_extractor.conv_layers.0.conv.weight";
    private static final String W6 = "feature_extractor.conv_layers.6.conv.weight";

    /** The extractor alone on a {@code [batch, samples]} placeholder, with a weighted-sum loss. */
    private static SameDiff graph(HubertConfig c, int batch, int samples, int maxChunkFrames) {
        SameDiff sd = Graphs.create();
        SDVariable wave = sd.placeHolder("wave", DataType.FLOAT, batch, samples);
        SDVariable f = sd.identity("features", ConvFeatureExtractor.apply(Params.random(7), wave, c, batch, samples,
                maxChunkFrames));
        Nd4j.getRandom().setSeed(11);
        f.mul(sd.constant(Nd4j.randn(DataType.FLOAT, batch, c.frames(samples), c.convDim()))).sum().markAsLoss();
        return sd;
    }

    private static void assertClose(INDArray ref, INDArray got, String what) {
        assertArrayEquals(ref.shape(), got.shape(), what);
        double max = ref.amaxNumber().doubleValue();
        double diff = ref.sub(got).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * max, what + ": max|Δ| " + diff + " vs max|ref| " + max);
    }

    @Test
    void chunkedEqualsUnchunked() {
        HubertConfig c = GraphShapesTest.tinyHubert(true);
        // 4,320 samples → 13 frames (863 in layer 0): 7 chunks of 2 at limit 200, 2 of 7 at 560, the last one
        // overlapping; 4,500 samples (trailing samples no frame sees) at 300: 4 of 4; 8,000 → 24 frames at
        // limit 1,000: 12 + 12.
        int[][] cases = {{2, 4320, 200}, {1, 4320, 560}, {2, 4500, 300}, {1, 8000, 1000}};
        for (int[] cs : cases) {
            int batch = cs[0];
            int samples = cs[1];
            String what = batch + " × " + samples + " at " + cs[2];
            SameDiff ref = graph(c, batch, samples, Integer.MAX_VALUE);
            SameDiff chunked = graph(c, batch, samples, cs[2]);
            assertTrue(chunked.ops().length > ref.ops().length, what + ": chunked");
            INDArray wave = Nd4j.randn(DataType.FLOAT, batch, samples);
            assertClose(ref.output(Map.of("wave", wave), "features").get("features"),
                    chunked.output(Map.of("wave", wave), "features").get("features"), what);
            Map<String, INDArray> g = ref.calculateGradients(Map.of("wave", wave), W0, W6);
            Map<String, INDArray> gc = chunked.calculateGradients(Map.of("wave", wave), W0, W6);
            assertClose(g.get(W0), gc.get(W0), what + ", ∂" + W0);
            assertClose(g.get(W6), gc.get(W6), what + ", ∂" + W6);
        }
    }

    @Test
    void groupNormAndShortClipsStayWhole() {
        int whole = graph(GraphShapesTest.tinyHubert(false), 1, 4320, Integer.MAX_VALUE).ops().length;
        assertEquals(whole, graph(GraphShapesTest.tinyHubert(false), 1, 4320, 1).ops().length, "group norm: over time");
        // the training clips (32,000 samples, 6,399 first-layer frames) keep today's graph at the default limit
        HubertConfig large = GraphShapesTest.tinyHubert(true);
        assertEquals(graph(large, 1, 32_000, Integer.MAX_VALUE).ops().length,
                graph(large, 1, 32_000, ConvFeatureExtractor.MAX_CHUNK_FRAMES).ops().length, "32,000 samples");
        assertTrue(graph(large, 1, 164_200, ConvFeatureExtractor.MAX_CHUNK_FRAMES).ops().length
                > graph(large, 1, 164_200, Integer.MAX_VALUE).ops().length, "164,200 samples are chunked");
    }
}
