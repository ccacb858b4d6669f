package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Output shapes of the graphs for several configurations and input sizes (random weights). */
class GraphShapesTest {
    static final int[] K = {10, 3, 3, 3, 3, 2, 2};
    static final int[] S = {5, 2, 2, 2, 2, 2, 2};

    static HubertConfig tinyHubert(boolean large) {
        return new HubertConfig(32, 2, 2, 64, 16, K, S, large, large, large, 16, 4, 1e-5, 1e-5);
    }

    @Test
    void vitShapes() {
        VitConfig c = new VitConfig(32, 2, 2, 8, 128, 1e-6, 4.0);
        for (int[] hw : new int[][] {{32, 32}, {40, 24}, {224, 224}}) {
            VisionTransformer vit = VisionTransformer.build(c, Params.random(1), 2, hw[0], hw[1]);
            Map<String, INDArray> out = vit.forward(Nd4j.rand(DataType.FLOAT, 2, 3, hw[0], hw[1]));
            assertArrayEquals(new long[] {2, 32, hw[0] / 8, hw[1] / 8}, out.get(VisionTransformer.PATCH_TOKENS).shape());
            assertArrayEquals(new long[] {2, 32}, out.get(VisionTransformer.CLS).shape());
            assertTrue(out.get(VisionTransformer.PATCH_TOKENS).amaxNumber().doubleValue() < 1e3, "finite");
        }
    }

    @Test
    void hubertShapes() {
        for (boolean large : new boolean[] {true, false}) {
            HubertConfig c = tinyHubert(large);
            Hubert h = Hubert.build(c, Params.random(2), 2, 4000);
            INDArray out = h.forward(Nd4j.randn(DataType.FLOAT, 2, 4000));
            assertArrayEquals(new long[] {2, c.frames(4000), 32}, out.shape());
        }
    }
}
