package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link ScratchInit#TORCH_DEFAULT} draws every weight of a whole DenseAV by torch's documented rules
 * ({@code nn.Linear}/{@code nn.Conv*}.reset_parameters: weight and bias U(±1/√fan_in); {@code nn.LayerNorm}: 1, 0;
 * {@code weight_norm}: g = ‖v‖), each key checked by its own shape. The torch probe trained from such an export
 * (README, "The default model").
 */
class ScratchInitTest {
    @Test
    void everyWeightFollowsTorchDefaults() {
        VitConfig vit = new VitConfig(32, 2, 2, 8, 128, 1e-6, 4.0);
        DenseAvConfig c = new DenseAvConfig(vit, GraphShapesTest.tinyHubert(true), 16, 2, 2, false, true, "max_elementwise");
        try (DenseAv m = DenseAv.random(c, 3, ScratchInit.TORCH_DEFAULT)) {
            m.imageFeatures(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32));
            m.audioFeatures(Nd4j.randn(DataType.FLOAT, 1, 4000));
            Map<String, INDArray> w = m.weights();
            int uniform = 0;
            for (Map.Entry<String, INDArray> e : w.entrySet()) {
                String key = e.getKey();
                INDArray a = e.getValue();
                if (key.equals("sim_cal.w")) {
                    assertEquals(0, a.amaxNumber().doubleValue(), key);
                } else if (a.rank() == 1 && key.contains("norm")) {
                    double want = key.endsWith("weight") ? 1 : 0;
                    assertEquals(0, Transforms.abs(a.sub(want)).maxNumber().doubleValue(), key);
                } else if (key.equals("audio_cls")) {
                    double std = a.stdNumber().doubleValue();
                    assertTrue(std > 0.6 && std < 1.4, key + " std " + std);
                } else if (key.endsWith("cls_token") || key.endsWith("pos_embed")) {
                    assertTrue(a.stdNumber().doubleValue() < 0.03, key);
                } else if (key.endsWith("weight_g")) {
                    INDArray v = w.get(key.replace("weight_g", "weight_v"));
                    INDArray norm = Transforms.sqrt(v.mul(v).sum(0, 1), false).reshape(a.shape());
                    assertTrue(norm.equalsWithEps(a, 1e-5), key + " = ‖v‖");
                } else {
                    String weight = key.endsWith("bias") ? key.substring(0, key.length() - 4) + "weight" : key;
                    if (!w.containsKey(weight)) weight = weight + "_v";
                    long[] s = w.get(weight).shape();
                    long fanIn = 1;
                    for (int i = 1; i < s.length; i++) fanIn *= s[i];
                    double bound = 1 / Math.sqrt(fanIn);
                    double max = a.amaxNumber().doubleValue();
                    assertTrue(max <= bound * (1 + 1e-6) && max > bound / 2, key + ": max " + max + ", bound " + bound);
                    uniform++;
                }
            }
            assertTrue(uniform > 40, "layers checked: " + uniform);
        }
    }

    @Test
    void smallNormalIsUnchanged() {
        Params p = Params.random(4);
        INDArray weight = p.get("blocks.0.mlp.fc1.weight", 64, 32);
        INDArray norm = p.get("blocks.0.norm1.weight", 32);
        assertEquals(0.02, weight.stdNumber().doubleValue(), 0.003);
        assertEquals(1, norm.meanNumber().doubleValue(), 0.06);
    }
}
