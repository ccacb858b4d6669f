package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.fixtures.Fixtures;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Fails if any graph the project builds uses an op the spec lists as broken in M2.1; proves the guard sees each. */
class OpGuardTest {

    @Test
    void projectGraphsUseNoBrokenOp() {
        VitConfig vit = new VitConfig(32, 2, 2, 8, 128, 1e-6, 4.0);
        assertEquals(List.of(), OpGuard.violations(VisionTransformer.build(vit, Params.random(1), 2, 40, 24).sameDiff()));
        for (boolean large : new boolean[] {true, false}) {
            Hubert h = Hubert.build(GraphShapesTest.tinyHubert(large), Params.random(2), 1, 4000);
            assertEquals(List.of(), OpGuard.violations(h.sameDiff()));
        }
        // the DenseAV layouts: DINO with LoRA on qkv, HuBERT under audio_model.model.
        try (Checkpoint c = Checkpoint.open(Fixtures.path("checkpoints/tiny_denseav.ckpt"))) {
            VitConfig tiny = new VitConfig(16, 2, 2, 8, 64, 1e-4, 4.0);
            SameDiff sd = VisionTransformer.build(tiny, Params.from(KeyMap.DINO.apply(c)), 1, 32, 32).sameDiff();
            assertTrue(sd.hasVariable("blocks.0.attn.qkv.lora_A.default.weight"), "LoRA A is a graph variable");
            assertEquals(List.of(), OpGuard.violations(sd));
        }
    }

    @Test
    void guardSeesEveryBrokenOp() {
        List<Function<SDVariable, SDVariable>> broken = List.of(
                x -> x.getSameDiff().nn().gelu(x),
                x -> x.getSameDiff().nn().preciseGelu(x),
                x -> x.getSameDiff().nn().layerNorm(x, x.getSameDiff().constant(Nd4j.ones(DataType.FLOAT, 4)), false, 1),
                x -> x.getSameDiff().nn().logSoftmax(x, 1),
                x -> x.getSameDiff().gather(x, new int[] {0, 1}, 1),
                x -> x.getSameDiff().nn().dropout(x, 0.5),
                x -> x.getSameDiff().tensorMmul(x, x, new int[] {1}, new int[] {1}),
                x -> x.getSameDiff().image().resizeBiLinear(x.reshape(1, 3, 4, 1), 6, 8, false, false));
        for (Function<SDVariable, SDVariable> op : broken) {
            SameDiff sd = SameDiff.create();
            op.apply(sd.var("x", Nd4j.rand(DataType.FLOAT, 3, 4)));
            assertEquals(1, OpGuard.violations(sd).size(), () -> "not caught: " + sd.ops()[0].opName());
        }
        SameDiff ok = SameDiff.create();
        SDVariable x = ok.var("x", Nd4j.rand(DataType.FLOAT, 3, 4));
        ok.gather(x, new int[] {0, 1}, 0);
        ok.nn().logSoftmax(x);
        assertEquals(List.of(), OpGuard.violations(ok), "gather on axis 0 and logSoftmax without a dimension work in M2.1");
    }
}
