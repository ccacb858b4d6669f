package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.FrameMask;
import io.denseav.data.train.TrainingBatch;
import io.denseav.data.train.TrainingEpoch;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.LossSampling;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Data parallelism with a gathered contrastive batch gives the one-device step (issue 7: "same loss and gradients"). */
class DataParallelTest {
    @TempDir
    Path tmp;

    @Test
    void twoWorkersGiveTheOneWorkerLossAndGradientsForTheSameGlobalBatch() throws Exception {
        TrainConfig c = TrainerTest.config(1, 1).withNoise(io.denseav.graphs.TrainNoise.NONE); // the same masks need the same rows
        TrainingSamples data = TinyData.samples(TinyData.write(tmp.resolve("data"), 8), c.seed());
        TrainingBatch b;
        try (TrainingEpoch e = data.epoch(0, c.batchSize(), 0)) {
            b = e.iterator().next();
        }
        DenseAv model = DenseAv.random(TinyData.microModel(2), 3).clipSamples(TinyData.SAMPLES);
        SingleDevice one = new SingleDevice(model, c, TinyData.IMAGE, TinyData.SAMPLES);
        INDArray frameMask = FrameMask.of(b.audioMask(), one.frames());
        INDArray positive = FrameMask.interpolated(b.positiveMask(), one.frames());
        for (int phase : new int[] {1, 2}) {
            GradientEngine.Result ref = one.gradients(b, frameMask, positive, new LossSampling(11), phase, new GradientEngine.Noise(0, null));
            try (DataParallel two = new DataParallel(model, c, TinyData.IMAGE, TinyData.SAMPLES, 2)) {
                GradientEngine.Result got = two.gradients(b, frameMask, positive, new LossSampling(11), phase, new GradientEngine.Noise(0, null));
                assertEquals(ref.losses().keySet(), got.losses().keySet());
                ref.losses().forEach((k, v) -> assertEquals(v, got.losses().get(k), 1e-5 * Math.max(1, Math.abs(v)), k));
                assertEquals(ref.gradients().keySet(), got.gradients().keySet(), "phase " + phase + " trains the same weights");
                double worst = 0; // per tensor, among the tensors whose gradient is not (numerically) zero
                for (Map.Entry<String, INDArray> e : ref.gradients().entrySet()) {
                    INDArray r = e.getValue();
                    double scale = r.amaxNumber().doubleValue();
                    double diff = r.sub(got.gradients().get(e.getKey())).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-4 * scale + 1e-9, e.getKey() + ": max|Δ| " + diff + " vs max|ref| " + scale);
                    if (scale > 1e-6) worst = Math.max(worst, diff / scale);
                }
                System.out.printf("phase %d: %d gradients, worst max|Δ|/max|ref| %.2e (max|ref| > 1e-6)%n", phase, ref.gradients().size(), worst);
            }
        }
    }

    @Test
    void aTwoWorkerRunFollowsTheOneWorkerRun() throws Exception {
        TrainConfig c = TrainerTest.config(2, 3).withNoise(io.denseav.graphs.TrainNoise.NONE);
        Path csv = TinyData.write(tmp.resolve("data"), 8);
        List<Map<String, Double>> one = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("one"))
                .run(() -> DenseAv.random(TinyData.microModel(2), 3), false).history();
        List<Map<String, Double>> two = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("two")).workers(2)
                .run(() -> DenseAv.random(TinyData.microModel(2), 3), false).history();
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) {
            double a = one.get(i).values().iterator().next(), g = two.get(i).values().iterator().next();
            assertEquals(a, g, 1e-4 * Math.max(1, Math.abs(a)), "total loss at step " + (i + 1));
        }
    }
}
