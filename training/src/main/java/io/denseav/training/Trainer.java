package io.denseav.training;

import io.denseav.data.FrameMask;
import io.denseav.data.train.TrainingBatch;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.LossSampling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DenseAV's two-phase training (denseav-reference.md §5.2): warm-up steps train the aligners, {@code sim_cal} and
 * {@code audio_cls} with the backbones held fixed; then the image LoRA (or the whole image backbone) and HuBERT join.
 * Adam (eps 1e-7) with a per-phase linear LR warm-up and per-parameter gradient clipping. Every random draw is seeded
 * by (seed, step), and checkpoints hold the weights, Adam's moments and the step, so a resumed run continues with
 * exactly the losses an uninterrupted one would have had.
 *
 * <pre>{@code
 * Trainer.Result r = new Trainer(config, samples, out).listener(System.out::println).run(() -> DenseAv.random(c, 0), true);
 * }</pre>
 */
public final class Trainer {
    /** One step's record: global step, phase, learning rate and every loss term. */
    public record Step(long step, int phase, double lr, Map<String, Double> losses) {
    }

    /** The finished run: its last checkpoint folder (an HF-style model folder too) and the loss history. */
    public record Result(Path checkpoint, List<Map<String, Double>> history) {
    }

    private final TrainConfig config;
    private final TrainingSamples data;
    private final Path outDir;
    private java.util.function.Consumer<Step> listener = s -> { };
    private long stopAfter = Long.MAX_VALUE;

    public Trainer(TrainConfig config, TrainingSamples data, Path outDir) {
        this.config = config;
        this.data = data;
        this.outDir = outDir;
    }

    /** Called after every step. */
    public Trainer listener(java.util.function.Consumer<Step> l) {
        this.listener = l;
        return this;
    }

    /** Stops (without a final checkpoint) after this many steps of this invocation: tests of interrupted runs. */
    public Trainer stopAfter(long steps) {
        this.stopAfter = steps;
        return this;
    }

    /**
     * Trains to {@link TrainConfig#totalSteps()}; with {@code resume}, continues from the newest checkpoint in the
     * output folder when there is one (else starts from {@code fresh}).
     */
    public Result run(Supplier<DenseAv> fresh, boolean resume) {
        Path last = resume ? Checkpoints.latest(outDir) : null;
        long step = 0;
        List<Map<String, Double>> history = new ArrayList<>();
        Adam adam = new Adam();
        DenseAv model;
        if (last != null) {
            Checkpoints.TrainerState st = Checkpoints.state(last);
            step = st.step();
            history.addAll(st.history());
            model = DenseAv.load(last);
            Checkpoints.loadOptimizer(last, adam);
            truncateJsonl(step); // steps a killed run logged after its last checkpoint are run again
        } else {
            model = fresh.get();
        }
        model.clipSamples(data.audioSamples()).simAgg(config.simAgg());
        int batch = config.batchSize();
        DenseAv m = model;
        Map<Boolean, TrainingGraph> graphs = new HashMap<>(); // with and without the silence term, sharing weights
        java.util.function.Function<Boolean, TrainingGraph> graph = silence -> graphs.computeIfAbsent(silence,
                s -> new TrainingGraph(m, config, batch, data.imageSize(), data.audioSamples(), s));
        int frames = model.alignedFrames(data.audioSamples());
        int perEpoch = data.size() / batch;
        if (perEpoch == 0) throw new IllegalArgumentException("the data holds " + data.size() + " items, fewer than one batch of " + batch);
        long ran = 0;
        while (step < config.totalSteps() && ran < stopAfter) {
            int epoch = (int) (step / perEpoch);
            try (TrainingSamples.Epoch e = data.epoch(epoch, batch, (int) (step % perEpoch))) {
                for (TrainingBatch b : e) {
                    if (step >= config.totalSteps() || ran >= stopAfter) break;
                    Map<String, Double> losses = step(graph, frames, adam, b, step, config);
                    double total = losses.values().iterator().next();
                    if (!Double.isFinite(total)) { // the weights are already updated: keep the last good checkpoint
                        throw new IllegalStateException("the loss is " + total + " at step " + (step + 1) + " " + losses
                                + "; the last good checkpoint is " + (last == null ? "none" : last));
                    }
                    history.add(losses);
                    appendJsonl(step, losses);
                    int phase = config.phaseOf(step);
                    listener.accept(new Step(step, phase, config.lrAt(step), losses));
                    step++;
                    ran++;
                    if (step % config.checkpointEvery() == 0 || step == config.totalSteps()) {
                        last = Checkpoints.save(outDir, step, model, adam,
                                new Checkpoints.TrainerState(step, config, history));
                    }
                }
            }
        }
        return new Result(last, history);
    }

    /** One line per step in {@code OUT/metrics.jsonl}: step, phase, lr and every loss term. */
    private void appendJsonl(long step, Map<String, Double> losses) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step + 1);
        line.put("phase", config.phaseOf(step));
        line.put("lr", config.lrAt(step));
        line.putAll(losses);
        try {
            java.nio.file.Files.createDirectories(outDir);
            java.nio.file.Files.writeString(outDir.resolve("metrics.jsonl"), ModelFiles.JSON.copy()
                    .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(line) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + outDir.resolve("metrics.jsonl") + ": " + e.getMessage(), e);
        }
    }

    private void truncateJsonl(long steps) {
        java.nio.file.Path f = outDir.resolve("metrics.jsonl");
        try {
            if (!java.nio.file.Files.exists(f)) return;
            List<String> lines = java.nio.file.Files.readAllLines(f);
            java.nio.file.Files.write(f, lines.subList(0, (int) Math.min(lines.size(), steps)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot rewrite " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * One optimisation step; returns the loss terms. {@code graphs} gives the graph with (true) or without the silence
     * term, which the reference applies only to batches with at least 250 masked-out frames.
     */
    static Map<String, Double> step(java.util.function.Function<Boolean, TrainingGraph> graphs, int frames, Adam adam,
                                    TrainingBatch b, long step, TrainConfig config) {
        INDArray frameMask = FrameMask.of(b.audioMask(), frames);
        INDArray positive = FrameMask.interpolated(b.positiveMask(), frames);
        LossSampling sampling = new LossSampling(config.seed() * 0x9E3779B97F4A7C15L + step);
        TrainingGraph g = graphs.apply(sampling.silenceApplies(frameMask));
        Map<String, INDArray> in = new HashMap<>();
        in.put(TrainingGraph.IMAGE, b.images());
        in.put(TrainingGraph.AUDIO, b.audio());
        in.putAll(g.lossInputs(frameMask, positive, b.source(), b.imageMasks(), sampling));
        List<String> trainable = g.trainable(config.phaseOf(step));
        OutAndGrad r = g.run(in, trainable);
        double lr = config.lrAt(step);
        for (String name : trainable) {
            INDArray grad = r.getGradients().get(name);
            if (grad == null) continue;
            GradientClipping.clip(grad, config.clipNorm());
            adam.update(name, g.array(name), grad, lr);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : g.lossNames()) out.put(n, r.getOutputs().get(n).getDouble(0));
        return out;
    }
}
