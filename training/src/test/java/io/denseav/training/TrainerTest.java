package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.DenseAvLoss;
import io.denseav.training.loss.LossWeights;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainerTest {
    @TempDir
    Path tmp;

    static TrainConfig config(int warmup, int train) {
        return new TrainConfig(7, 4, warmup, train, 3e-3, 2, GradientClipping.DEFAULT_MAX_NORM,
                TrainConfig.ImageTraining.ALL, true, false, 3, LossWeights.builder().disentangle(0.1).build(), "misa",
                new io.denseav.graphs.TrainNoise(0.1, 0.1, 0.1, 0.05, 2)); // train mode on: resume must stay exact
    }

    @Test
    void validationRunsEveryNStepsAndAtTheEndAndAFailureDoesNotStopTheRun() throws Exception {
        Path csv = TinyData.write(tmp.resolve("data"), 8);
        TrainConfig c = config(1, 4).withNoise(io.denseav.graphs.TrainNoise.NONE);
        List<Trainer.Validation> seen = new java.util.ArrayList<>();
        int[] calls = {0};
        new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("run")).validation(2, m -> {
            if (++calls[0] == 2) throw new IllegalStateException("val data gone");
            return Map.of("val/r10", (double) calls[0]);
        }, seen::add).run(() -> DenseAv.random(TinyData.microModel(2), 3), false);
        assertEquals(List.of(2L, 4L, 5L), seen.stream().map(Trainer.Validation::step).toList());
        assertEquals("val data gone", seen.get(1).error());
        assertEquals(Map.of("val/r10", 3.0), seen.get(2).metrics());
        List<String> lines = java.nio.file.Files.readAllLines(tmp.resolve("run/validation.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).contains("\"error\":\"val data gone\""), lines.get(1));
        assertEquals(5, java.nio.file.Files.readAllLines(tmp.resolve("run/metrics.jsonl")).size(), "training went on");
    }

    @Test
    void bothPhasesTrainWhatTheyShouldAndTheLossFalls() throws Exception {
        Path csv = TinyData.write(tmp.resolve("data"), 8);
        TrainConfig c = config(3, 27);
        DenseAv model = DenseAv.random(TinyData.microModel(2), 3);
        Map<String, INDArray> before = new HashMap<>();
        Map<Long, Map<String, INDArray>> atPhaseEnd = new HashMap<>();
        Trainer.Result r = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("run")).listener(s -> {
            if (s.step() == 0) model.weights().forEach((k, v) -> before.putIfAbsent(k, v.dup()));
            if (s.step() == c.warmupSteps() - 1) {
                Map<String, INDArray> snap = new HashMap<>();
                model.weights().forEach((k, v) -> snap.put(k, v.dup()));
                atPhaseEnd.put(s.step(), snap);
            }
        }).run(() -> model, false);
        // step 0's listener runs after the first update: compare phase 1 against phase 2 from there
        Map<String, INDArray> phase1 = atPhaseEnd.get((long) c.warmupSteps() - 1);
        Map<String, INDArray> after = model.weights();
        for (String key : after.keySet()) {
            boolean backbone = key.startsWith("image_model.") || key.startsWith("audio_model.");
            if (backbone) assertEquals(before.get(key), phase1.get(key), key + " is frozen in phase 1");
            // a key bias shifts every attention logit of a query equally (softmax cancels it); the image CLS
            // projection is kept for the checkpoint but unused (sim_use_cls is off): both have zero gradient
            if (!key.endsWith("k_proj.bias") && !key.startsWith("image_aligner.cls_layer.")) {
                assertTrue(!after.get(key).equals(phase1.get(key)), key + " trains in phase 2");
            }
        }
        List<Map<String, Double>> h = r.history();
        assertEquals(c.totalSteps(), h.size());
        double first = mean(h.subList(0, 5)), last = mean(h.subList(h.size() - 5, h.size()));
        assertTrue(last < first, "InfoNCE falls: first 5 steps " + first + ", last 5 " + last);
        assertNotNull(r.checkpoint());
        assertEquals(c.totalSteps(), java.nio.file.Files.readAllLines(tmp.resolve("run/metrics.jsonl")).size());
    }

    @Test
    void aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path csv = TinyData.write(tmp.resolve("data"), 4);
        TrainConfig c = config(1, 4).withCheckpointEvery(2);
        DenseAv model = DenseAv.random(TinyData.microModel(2), 5);
        Trainer t = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("run")).listener(s -> {
            if (s.step() == 2) model.weights().get("image_aligner.layer.weight").assign(Double.NaN);
        });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> t.run(() -> model, false));
        assertTrue(e.getMessage().contains("NaN at step 4") && e.getMessage().contains("step-0000002"), e.getMessage());
        assertEquals(2, Checkpoints.state(Checkpoints.latest(tmp.resolve("run"))).step());
    }

    @Test
    void theLastCheckpointIsAModelFolderThatLoadsWithTheSameWeights() throws Exception {
        Path csv = TinyData.write(tmp.resolve("data"), 4);
        TrainConfig c = config(1, 2);
        DenseAv model = DenseAv.random(TinyData.microModel(2), 5);
        Trainer.Result r = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("run")).run(() -> model, false);
        try (DenseAv loaded = DenseAv.load(r.checkpoint())) {
            assertEquals(ModelFiles.JSON.writeValueAsString(ModelFiles.hyperParameters(model)),
                    ModelFiles.JSON.writeValueAsString(ModelFiles.hyperParameters(loaded)));
            INDArray image = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32);
            assertEquals(model.imageFeatures(image), loaded.imageFeatures(image));
            INDArray audio = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, TinyData.SAMPLES);
            assertEquals(model.audioFeatures(audio), loaded.audioFeatures(audio));
        }
    }

    private static double mean(List<Map<String, Double>> steps) {
        return steps.stream().mapToDouble(m -> m.get(DenseAvLoss.NCE)).average().orElseThrow();
    }
}
