package io.denseav.training;

import io.denseav.data.FrameMask;
import io.denseav.data.train.TrainingBatch;
import io.denseav.data.train.TrainingEpoch;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.LossSampling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
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

    /**
     * One validation: after {@code step} steps, its metrics and how long it took; {@code error} (else null) says why
     * it failed. A failed validation does not stop the training (the checkpoints are what matter).
     */
    public record Validation(long step, Map<String, Double> metrics, double seconds, String error) {
    }

    /** The finished run: its last checkpoint folder (an HF-style model folder too) and the loss history. */
    public record Result(Path checkpoint, List<Map<String, Double>> history) {
    }

    private final TrainConfig config;
    private final TrainingSamples data;
    private final Path outDir;
    private Consumer<Step> listener = s -> { };
    private long stopAfter = Long.MAX_VALUE;
    private int workers = 1;
    private int validateEvery;
    private Function<DenseAv, Map<String, Double>> validator;
    private Consumer<Validation> validationListener;
    static final String METRICS = "metrics.jsonl";
    static final String VALIDATION = "validation.jsonl";

    public Trainer(TrainConfig config, TrainingSamples data, Path outDir) {
        this.config = config;
        this.data = data;
        this.outDir = outDir;
    }

    /** Called after every step. */
    public Trainer listener(Consumer<Step> l) {
        this.listener = l;
        return this;
    }

    /**
     * Trains on {@code n} workers whose features join one gathered contrastive batch ({@link DataParallel}); the
     * batch must split evenly. 1 (the default) is one graph on the current device.
     */
    public Trainer workers(int n) {
        if (n < 1) throw new IllegalArgumentException("workers " + n);
        this.workers = n;
        return this;
    }

    /**
     * Periodic validation: every {@code every} steps and at the end, {@code metrics} scores the model (in eval mode;
     * e.g. retrieval recall and prompted mIoU through the evaluation module); each result is a line of
     * {@code OUT/validation.jsonl} and goes to {@code listener}.
     */
    public Trainer validation(int every, Function<DenseAv, Map<String, Double>> metrics, Consumer<Validation> listener) {
        if (every < 1) throw new IllegalArgumentException("validation every " + every);
        this.validateEvery = every;
        this.validator = metrics;
        this.validationListener = listener;
        return this;
    }

    private void validate(DenseAv model, long step) {
        long t0 = System.nanoTime();
        Map<String, Double> m = Map.of();
        String error = null;
        try {
            m = validator.apply(model);
        } catch (RuntimeException e) {
            error = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.putAll(m);
        if (error != null) line.put("error", error);
        append(VALIDATION, line);
        validationListener.accept(new Validation(step, m, (System.nanoTime() - t0) / 1e9, error));
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
            truncateJsonl(METRICS, step);
            truncateJsonl(VALIDATION, step);
        } else {
            model = fresh.get();
        }
        model.clipSamples(data.audioSamples()).simAgg(config.simAgg());
        try (GradientEngine engine = workers > 1 ? new DataParallel(model, config, data.imageSize(), data.audioSamples(), workers)
                : new SingleDevice(model, config, data.imageSize(), data.audioSamples())) {
            return loop(engine, model, adam, step, last, history);
        }
    }

    private Result loop(GradientEngine engine, DenseAv model, Adam adam, long step, Path last, List<Map<String, Double>> history) {
        int batch = config.batchSize();
        long ran = 0;
        while (step < config.totalSteps() && ran < stopAfter) {
            int epoch = 0;
            long skip = step; // epochs may differ in size (a curriculum's first epochs): walk them
            for (int n; skip >= (n = batchesIn(epoch, batch)); epoch++) skip -= n;
            try (TrainingEpoch e = data.epoch(epoch, batch, (int) skip)) {
                for (TrainingBatch b : e) {
                    if (step >= config.totalSteps() || ran >= stopAfter) break;
                    Map<String, Double> losses = step(engine, adam, b, step, config);
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
                    if (validator != null && (step % validateEvery == 0 || step == config.totalSteps())) validate(model, step);
                }
            }
        }
        return new Result(last, history);
    }

    private int batchesIn(int epoch, int batch) {
        int n = data.batchesIn(epoch, batch);
        if (n == 0) {
            throw new IllegalArgumentException("epoch " + epoch + " holds " + data.epochSize(epoch) + " items, fewer than one batch of " + batch);
        }
        return n;
    }

    /** One line per step in {@code OUT/metrics.jsonl}: step, phase, lr and every loss term. */
    private void appendJsonl(long step, Map<String, Double> losses) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step + 1);
        line.put("phase", config.phaseOf(step));
        line.put("lr", config.lrAt(step));
        line.putAll(losses);
        append(METRICS, line);
    }

    private void append(String file, Map<String, Object> line) {
        Path f = outDir.resolve(file);
        try {
            Files.createDirectories(outDir);
            Files.writeString(f, ModelFiles.JSON.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(line) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** Drops the lines a killed run logged after its last checkpoint ({@code "step"} above {@code steps}): they run again. */
    private void truncateJsonl(String file, long steps) {
        Path f = outDir.resolve(file);
        try {
            if (!Files.exists(f)) return;
            List<String> keep = new ArrayList<>();
            for (String l : Files.readAllLines(f)) {
                if (!l.isBlank() && ModelFiles.JSON.readTree(l).path("step").asLong() <= steps) keep.add(l);
            }
            Files.write(f, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + f + ": " + e.getMessage(), e);
        }
    }

    /** The step's train-mode randomness, drawn from (seed, step) so that a resumed run draws the same. */
    static GradientEngine.Noise noise(GradientEngine engine, TrainingBatch b, long step, TrainConfig config) {
        long seed = (config.seed() + 0x632BE59BD9B4E019L) * 0xBF58476D1CE4E5B9L + step;
        INDArray timeMask = config.noise().timeMask((int) b.audio().size(0), engine.hubertFrames(), new java.util.SplittableRandom(seed));
        return new GradientEngine.Noise(seed, timeMask);
    }

    /** One optimisation step: the engine's loss and gradients, per-parameter clipping, Adam; returns the loss terms. */
    static Map<String, Double> step(GradientEngine engine, Adam adam, TrainingBatch b, long step, TrainConfig config) {
        INDArray frameMask = FrameMask.of(b.audioMask(), engine.frames());
        INDArray positive = FrameMask.interpolated(b.positiveMask(), engine.frames());
        LossSampling sampling = new LossSampling(config.seed() * 0x9E3779B97F4A7C15L + step);
        GradientEngine.Result r = engine.gradients(b, frameMask, positive, sampling, config.phaseOf(step), noise(engine, b, step, config));
        double lr = config.lrAt(step);
        List<String> changed = new ArrayList<>();
        r.gradients().forEach((name, grad) -> {
            GradientClipping.clip(grad, config.clipNorm());
            adam.update(name, engine.weight(name), grad, lr);
            changed.add(name);
        });
        engine.updated(changed);
        return r.losses();
    }
}
