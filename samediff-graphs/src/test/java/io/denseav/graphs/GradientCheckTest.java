package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every op of the backbone graphs has a working backward pass: numerical vs analytic gradients in double
 * precision over whole tiny graphs (ViT with position interpolation; HuBERT large- and base-style), since
 * these graphs are trained later (LoRA on the ViT, full HuBERT fine-tuning).
 */
class GradientCheckTest {
    private DataType before;

    @BeforeEach
    void doublePrecision() {
        before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterEach
    void restore() {
        Nd4j.setDefaultDataTypes(before, before);
    }

    /** Adds a weighted-sum loss to a double-precision graph and runs GradCheckUtil over its variables. */
    private static void check(SameDiff sd, String output, Map<String, INDArray> placeholders) {
        SDVariable out = sd.getVariable(output);
        Nd4j.getRandom().setSeed(3);
        out.mul(sd.constant(Nd4j.randn(DataType.DOUBLE, out.eval(placeholders).shape()))).sum().markAsLoss();
        sd.createGradFunction();
        boolean ok = GradCheckUtil.checkGradients(sd, placeholders, 1e-6, 1e-3, 1e-7, false, false, false, false, null,
                null, 3, GradCheckUtil.Subset.RANDOM);
        assertTrue(ok, "gradient check failed for " + output);
    }

    @Test
    void visionTransformerWithPositionInterpolation() {
        VitConfig c = new VitConfig(8, 1, 2, 4, 16, 1e-6, 4.0);
        SameDiff sd = Graphs.create();
        SDVariable image = sd.var("image", Nd4j.randn(DataType.DOUBLE, 1, 3, 8, 12)); // GradCheckUtil: no placeholders
        VisionTransformer.addTo(sd, image, c, Params.random(5, DataType.DOUBLE), 1, 8, 12, "");
        check(sd, VisionTransformer.PATCH_TOKENS, Map.of());
    }

    @Test
    void hubertBothStyles() {
        int[] k = {10, 3, 3, 3, 3, 2, 2};
        int[] s = {5, 2, 2, 2, 2, 2, 2};
        for (boolean large : new boolean[] {true, false}) {
            HubertConfig c = new HubertConfig(8, 1, 2, 16, 4, k, s, large, large, large, 4, 2, 1e-5, 1e-4);
            SameDiff sd = Graphs.create();
            SDVariable wave = sd.var("waveform", Nd4j.randn(DataType.DOUBLE, 1, 1400));
            Hubert.addTo(sd, wave, c, Params.random(6, DataType.DOUBLE), 1, 1400, "");
            check(sd, Hubert.LAST_HIDDEN_STATE, Map.of());
        }
    }
}
