package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.data.FrameMask;
import io.denseav.fixtures.GoldenIndex;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.MisaAggregator;
import io.denseav.graphs.TrainNoise;
import io.denseav.modelimport.Checkpoint;
import io.denseav.training.loss.DenseAvLoss;
import io.denseav.training.loss.LossSampling;
import io.denseav.training.loss.LossWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The gradients of one WHOLE training step (DINO ViT + HuBERT + both aligners + the MISA training score + InfoNCE)
 * against float64 torch autograd on the independent reference (test-fixtures/generate_train_step.py:
 * denseav_ref.py + loss_goldens.py), for every parameter under its official checkpoint key: a tiny 1-head model
 * without LoRA and a tiny 2-head model with LoRA. The batch (3 clips with 7, 4 and 2 valid aligned frames) is fed
 * as {@link Trainer#step} and {@link SingleDevice} feed it: {@link FrameMask#of} of the sample mask, the loss's
 * placeholders from {@link TrainingGraph#lossInputs}, phase-2 trainables. InfoNCE is the only loss term, the
 * backbones are in eval mode ({@link TrainNoise#NONE}) and the image map is not pooled, as in the reference run.
 * Float32 here against float64 there: max|Δ| ≤ 1e-4·max|ref| per key (a float32 torch run of the same step stays
 * within 3.2e-5, recorded in the index).
 */
class TrainStepParityTest {
    static final double TOL = 1e-4;
    static final GoldenIndex GOLDENS = GoldenIndex.of("train_step");

    static Stream<String> cases() {
        List<String> names = new ArrayList<>();
        GOLDENS.index().get("cases").forEach(c -> names.add(c.get("name").asText()));
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneTrainingStepHasTheReferenceGradients(String name) {
        JsonNode c = caseNode(name);
        INDArray images = npy("image.npy").castTo(DataType.FLOAT);
        INDArray audio = npy("audio.npy").castTo(DataType.FLOAT);
        INDArray sampleMask = npy("audio_mask.npy").castTo(DataType.FLOAT);
        int b = (int) images.size(0);
        int size = (int) images.size(2);
        int samples = (int) audio.size(1);

        LossWeights nceOnly = LossWeights.infoNceOnly();
        assertEquals(1.0, nceOnly.nce());
        TrainConfig config = new TrainConfig(0, b, 0, 1, 5e-4, 20, GradientClipping.DEFAULT_MAX_NORM,
                TrainConfig.ImageTraining.ALL, true, false, 100, nceOnly, "misa", TrainNoise.NONE);
        String model = c.get("model").asText(); // "denseav/tiny_…/model.…"
        Path weights = GoldenIndex.of(model.substring(0, model.indexOf('/'))).path(model.substring(model.indexOf('/') + 1));

        Map<String, String> report = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        try (DenseAv m = DenseAv.load(weights)) {
            assertEquals(c.get("heads").asInt(), m.config().heads(), "heads");
            m.clipSamples(samples).simAgg(config.simAgg()); // as Trainer.run

            // the step, fed as Trainer.step → SingleDevice.gradients feed it
            long step = 0;
            int frames = m.alignedFrames(samples);
            INDArray frameMask = FrameMask.of(sampleMask, frames);
            assertEquals(npy("frame_mask.npy").castTo(DataType.FLOAT), frameMask, "frame mask (FrameMask.of vs audio_mask_frames)");
            INDArray positive = FrameMask.interpolated(Nd4j.ones(DataType.FLOAT, b, samples), frames); // no splice
            LossSampling sampling = new LossSampling(config.seed() * 0x9E3779B97F4A7C15L + step);
            boolean silence = sampling.silenceApplies(frameMask);
            assertFalse(silence, "fewer than 250 masked-out frames: no silence term");
            TrainingGraph g = new TrainingGraph(m, config, b, size, samples, silence);
            assertEquals(frames, g.frames());
            Map<String, INDArray> in = new HashMap<>();
            in.put(TrainingGraph.IMAGE, images);
            in.put(TrainingGraph.AUDIO, audio);
            in.putAll(g.lossInputs(frameMask, positive, Nd4j.zeros(DataType.FLOAT, b),
                    Nd4j.ones(DataType.FLOAT, b, 1, size, size), sampling));
            assertEquals(List.of(DenseAvLoss.TOTAL, DenseAvLoss.NCE), g.lossNames(), "InfoNCE is the only term");
            List<String> trainable = g.trainable(config.phaseOf(config.warmupSteps())); // phase 2
            Nd4j.getRandom().setSeed(0);
            OutAndGrad r = g.run(in, trainable);

            // forward quantities first: where a mismatch starts
            INDArray audioFeats = m.audioFeatures(audio);
            INDArray imageFeats = m.imageFeatures(images);
            check(report, failures, "forward: audio_feats", caseNpy(name, "audio_feats.npy"), audioFeats);
            check(report, failures, "forward: image_feats", caseNpy(name, "image_feats.npy"), imageFeats);
            check(report, failures, "forward: S (MISA training score)", caseNpy(name, "scores.npy"),
                    m.scores(audioFeats, frameMask, imageFeats, MisaAggregator.HeadAgg.MAX_ELEMENTWISE));
            double refLoss = caseNpy(name, "loss.npy").getDouble(0);
            assertEquals(c.get("loss").asDouble(), refLoss, 1e-12, "index and loss.npy");
            for (String n : g.lossNames()) {
                check(report, failures, "loss: " + n, Nd4j.scalar(refLoss).reshape(1),
                        r.getOutputs().get(n).castTo(DataType.DOUBLE).reshape(1));
            }

            // the gradients, by official key
            Map<String, String> varOf = new HashMap<>();
            m.variableKeys().forEach((var, key) -> varOf.put(key, var));
            Map<String, INDArray> grads = r.getGradients();
            JsonNode expected = c.get("gradients");
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                String var = varOf.get(key);
                assertNotNull(var, key + ": no graph variable has this official key");
                assertTrue(trainable.contains(var), key + " (" + var + ") does not train in phase 2");
                INDArray got = grads.get(var);
                if (got == null) {
                    report.put("grad: " + key, "NO GRADIENT (the reference has max|g| " + expected.get(key).get("max_abs").asDouble() + ")");
                    failures.add(key);
                    continue;
                }
                check(report, failures, "grad: " + key, caseNpy(name, "grad/" + key + ".npy"), got);
            }
            // analytically zero in the reference (HuBERT's k_proj.bias): no larger than 1e-4 of the layer weight's gradient
            JsonNode zero = c.get("zero_gradient");
            for (Iterator<String> it = zero.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                INDArray got = grads.get(varOf.get(key));
                double scale = expected.get(zero.get(key).get("scale_key").asText()).get("max_abs").asDouble();
                double worst = got == null ? 0 : Transforms.abs(got.castTo(DataType.DOUBLE)).maxNumber().doubleValue();
                report.put("grad (analytically 0): " + key, String.format("max|g| %.3g = %.2e of its weight's max|g|", worst, worst / scale));
                if (worst > TOL * scale) failures.add(key);
            }
            // nothing else may get a gradient: every other trainable is unused in the reference
            for (String var : trainable) {
                String key = m.variableKeys().get(var);
                if (expected.has(key) || zero.has(key) || grads.get(var) == null) continue;
                double worst = Transforms.abs(grads.get(var).castTo(DataType.DOUBLE)).maxNumber().doubleValue();
                report.put("grad (unused in the reference): " + key, String.format("max|g| %.3g", worst));
                if (worst != 0) failures.add(key);
            }
            int covered = 0;
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); it.next()) covered++;
            assertTrue(covered > 100, "the goldens cover every parameter: " + covered);
        }

        StringBuilder text = new StringBuilder(name + ": max|Δ|/max|ref| per quantity (tolerance " + TOL + ")\n");
        report.forEach((k, v) -> text.append(String.format("  %-95s %s%n", k, v)));
        System.out.print(text);
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " quantities differ from torch autograd (marked FAIL): "
                + failures.subList(0, Math.min(5, failures.size())) + (failures.size() > 5 ? " …" : "") + "\n" + text);
    }

    /** Records max|Δ|/max|ref| of one quantity (shapes must agree); above {@link #TOL} it is a failure. */
    private static void check(Map<String, String> report, List<String> failures, String what, INDArray ref, INDArray got) {
        assertArrayEquals(ref.shape(), got.shape(), what + " shape");
        INDArray r = ref.castTo(DataType.DOUBLE);
        double maxRef = Transforms.abs(r).maxNumber().doubleValue();
        double maxDiff = Transforms.abs(r.sub(got.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
        double rel = maxDiff / Math.max(maxRef, 1e-300);
        boolean ok = maxDiff <= TOL * maxRef;
        report.put(what, String.format("%.2e%s  (max|ref| %.3g)", rel, ok ? "" : "  <-- FAIL", maxRef));
        if (!ok) failures.add(what);
    }

    private static JsonNode caseNode(String name) {
        for (JsonNode c : GOLDENS.index().get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new IllegalArgumentException(name);
    }

    private static INDArray caseNpy(String name, String file) {
        return npy(name + "/" + file);
    }

    /** The .npy reader of model-import (see ExportParityTest on ND4J's own). */
    private static INDArray npy(String relative) {
        try (Checkpoint c = Checkpoint.open(GOLDENS.path(relative))) {
            return c.tensors().values().iterator().next().load();
        }
    }
}
