package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Train mode: the composed dropout (M2.1's dropout backward is broken), LayerDrop, SpecAugment masks, seeding. */
class TrainNoiseTest {
    private static OutAndGrad dropoutStep(SameDiff sd, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return sd.calculateGradientsAndOutputs(Map.of(), List.of("y"), List.of("x"));
    }

    @Test
    void composedDropoutScalesKeptUnitsAndItsGradientIsTheMask() {
        double p = 0.25;
        SameDiff sd = Graphs.create();
        INDArray xv = Nd4j.rand(DataType.FLOAT, 200, 50).addi(0.5); // no zeros, so the kept units show
        INDArray c = Nd4j.rand(DataType.FLOAT, 200, 50);
        SDVariable x = sd.var("x", xv);
        SDVariable y = sd.identity("y", TrainNoise.dropout(x, p, 200, 50));
        sd.setLossVariables(y.mul(sd.constant(c)).sum("loss"));
        OutAndGrad r = dropoutStep(sd, 5);
        INDArray out = r.getOutputs().get("y");
        INDArray keep = out.neq(0).castTo(DataType.FLOAT);
        assertEquals(0, out.sub(xv.mul(keep).div(1 - p)).amaxNumber().doubleValue(), 1e-6, "y = x·m/(1−p)");
        assertEquals(0, r.getGradients().get("x").sub(c.mul(keep).div(1 - p)).amaxNumber().doubleValue(), 1e-6, "dy/dx = m/(1−p)");
        double kept = keep.meanNumber().doubleValue();
        assertEquals(1 - p, kept, 0.02, "keep rate over 10,000 units");
        assertEquals(out, dropoutStep(sd, 5).getOutputs().get("y"), "the same seed draws the same mask");
        assertNotEquals(out, dropoutStep(sd, 6).getOutputs().get("y"));
    }

    @Test
    void layerDropSkipsWholeLayersAtItsRate() {
        SameDiff sd = Graphs.create();
        SDVariable x = sd.var("x", Nd4j.ones(DataType.FLOAT, 3, 4));
        sd.identity("y", TrainNoise.layerDrop(x, x.mul(3.0), 0.3));
        Nd4j.getRandom().setSeed(1);
        int skipped = 0;
        for (int i = 0; i < 400; i++) {
            INDArray y = sd.output(Map.of(), "y").get("y");
            double v = y.getDouble(0);
            assertTrue(v == 1.0 || v == 3.0, "the layer runs or is skipped for the whole batch: " + v);
            assertEquals(v * 12, y.sumNumber().doubleValue(), 1e-6);
            if (v == 1.0) skipped++;
        }
        assertEquals(0.3, skipped / 400.0, 0.07);
    }

    @Test
    void specAugmentDrawsSpansOfTheRightLengthAndCountReproducibly() {
        int b = 16, t = 100, len = 10;
        INDArray m = SpecAugment.timeMask(b, t, 0.05, len, new SplittableRandom(3));
        assertEquals(m, SpecAugment.timeMask(b, t, 0.05, len, new SplittableRandom(3)));
        float[][] rows = m.toFloatMatrix();
        for (float[] row : rows) {
            // ⌊0.05·100/10 + ε⌋ = 0 → HF's minimum of 2 spans of 10 frames (overlaps allowed)
            int ones = 0;
            for (float v : row) ones += (int) v;
            assertTrue(ones >= len && ones <= 2 * len, "masked frames " + ones);
            for (int i = 0; i < t; i++) { // every masked run is at least one span long
                if (row[i] == 1 && (i == 0 || row[i - 1] == 0)) {
                    int run = 0;
                    while (i + run < t && row[i + run] == 1) run++;
                    assertTrue(run >= len, "a run of " + run);
                }
            }
        }
        INDArray big = SpecAugment.timeMask(4, 1000, 0.05, len, new SplittableRandom(4)); // ⌊5 + ε⌋ = 5 spans
        for (float[] row : big.toFloatMatrix()) {
            int ones = 0;
            for (float v : row) ones += (int) v;
            assertTrue(ones >= len && ones <= 5 * len, "masked frames " + ones);
        }
        assertEquals(0, SpecAugment.timeMask(2, 50, 0, len, new SplittableRandom(1)).sumNumber().doubleValue());
    }

    @Test
    void evalModeGraphsDoNotChangeAndTrainModeOnlyAddsNoise() {
        HubertConfig hc = new HubertConfig(16, 1, 2, 32, 8, new int[] {10, 3, 3, 3, 3, 2, 2}, new int[] {5, 2, 2, 2, 2, 2, 2},
                true, true, true, 8, 2, 1e-5, HubertConfig.DENSEAV_ENCODER_EPS);
        Params p = Params.random(9);
        INDArray wave = Nd4j.rand(DataType.FLOAT, 2, 4000);
        SameDiff eval = Graphs.create();
        Hubert.addTo(eval, eval.placeHolder("w", DataType.FLOAT, 2, 4000), hc, p, 2, 4000, "");
        SameDiff train = Graphs.create();
        new TrainNoise(0, 0, 0, 0.05, 2).attach(train); // only time masks: an all-zero mask must give the eval output
        Hubert.addTo(train, train.placeHolder("w", DataType.FLOAT, 2, 4000), hc, p, 2, 4000, "");
        int frames = hc.frames(4000);
        INDArray ref = eval.output(Map.of("w", wave), Hubert.LAST_HIDDEN_STATE).get(Hubert.LAST_HIDDEN_STATE);
        INDArray none = train.output(Map.of("w", wave, Hubert.TIME_MASK, Nd4j.zeros(DataType.FLOAT, 2, frames)),
                Hubert.LAST_HIDDEN_STATE).get(Hubert.LAST_HIDDEN_STATE);
        assertEquals(0, ref.sub(none).amaxNumber().doubleValue(), 1e-6);
        INDArray masked = train.output(Map.of("w", wave, Hubert.TIME_MASK, SpecAugment.timeMask(2, frames, 0.05, 2,
                new SplittableRandom(1))), Hubert.LAST_HIDDEN_STATE).get(Hubert.LAST_HIDDEN_STATE);
        assertTrue(ref.sub(masked).amaxNumber().doubleValue() > 1e-3, "masked frames change the output");
    }

    @Test
    void loraDropoutRunsTheBranchOnTheDroppedInputAndStaysOffTheOpGuard() {
        try (io.denseav.modelimport.Checkpoint c = io.denseav.modelimport.Checkpoint.open(
                io.denseav.fixtures.Fixtures.path("checkpoints/tiny_denseav.ckpt"))) {
            VitConfig tiny = new VitConfig(16, 2, 2, 8, 64, 1e-4, 4.0);
            Params p = Params.from(io.denseav.modelimport.KeyMap.DINO.apply(c));
            INDArray lora = p.get("blocks.0.attn.qkv.lora_B.default.weight", 48, p.shapeOf("blocks.0.attn.qkv.lora_A.default.weight")[0]);
            lora.assign(Nd4j.rand(DataType.FLOAT, lora.shape()).subi(0.5)); // a trained-looking B, so the branch matters
            INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
            SameDiff eval = Graphs.create();
            VisionTransformer.addTo(eval, eval.placeHolder("x", DataType.FLOAT, 1, 3, 32, 32), tiny, p, 1, 32, 32, "");
            SameDiff train = Graphs.create();
            new TrainNoise(0.5, 0, 0, 0, 10).attach(train);
            SDVariable out = VisionTransformer.addTo(train, train.placeHolder("x", DataType.FLOAT, 1, 3, 32, 32), tiny, p, 1, 32, 32, "");
            train.setLossVariables(out.sum("loss"));
            assertEquals(List.of(), OpGuard.violations(train), "the composed dropout uses no broken op");
            INDArray ref = eval.output(Map.of("x", image), VisionTransformer.TOKENS).get(VisionTransformer.TOKENS);
            Nd4j.getRandom().setSeed(3);
            OutAndGrad a = train.calculateGradientsAndOutputs(Map.of("x", image), List.of(VisionTransformer.TOKENS),
                    List.of("blocks.0.attn.qkv.lora_A.default.weight"));
            Nd4j.getRandom().setSeed(3);
            INDArray again = train.output(Map.of("x", image), VisionTransformer.TOKENS).get(VisionTransformer.TOKENS);
            INDArray got = a.getOutputs().get(VisionTransformer.TOKENS);
            assertEquals(got, again, "seeded: the same masks");
            assertTrue(got.sub(ref).amaxNumber().doubleValue() > 1e-4, "the dropped-out branch changes the output");
            assertTrue(a.getGradients().get("blocks.0.attn.qkv.lora_A.default.weight").amaxNumber().doubleValue() > 0);
        }
    }
}
