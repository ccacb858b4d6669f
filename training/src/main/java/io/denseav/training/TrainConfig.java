package io.denseav.training;

import io.denseav.graphs.ScratchInit;
import io.denseav.graphs.TrainNoise;

/**
 * Everything a training run depends on (denseav-reference.md §5.2), stored beside every checkpoint so that a resumed
 * run is the same run. Defaults are the reference's: 3000 warm-up steps, Adam lr 5e-5 with a 1000-step linear
 * warm-up in each phase, per-parameter clipping at 10, training-mode 2×2 image pooling.
 *
 * @param seed            one seed for the data order, the augmentations and the loss's sampled points
 * @param batchSize       contrastive batch (the reference: 4 GPUs × 10 = 40)
 * @param warmupSteps     phase 1: aligners, {@code sim_cal} and {@code audio_cls} only; backbones are constants
 * @param trainSteps      phase 2: adds the image LoRA (or the whole image backbone) and HuBERT
 * @param lr              base learning rate of both phases
 * @param lrWarmup        linear warm-up steps, restarted in each phase
 * @param clipNorm        per-parameter gradient-norm clip
 * @param imageBackbone   what of DINO phase 2 trains: NONE, LORA (the reference) or ALL (a model trained from scratch)
 * @param finetuneAudio   phase 2 fine-tunes all of HuBERT (the reference) or keeps it frozen
 * @param trainPooling    the training mode's 2×2 average pooling of the image map
 * @param checkpointEvery steps between checkpoints (and one at the end)
 * @param losses          the loss weights
 * @param simAgg          the clip-image aggregation of the InfoNCE score: "misa" (DenseAV) or "imagebind" (the
 *                        global-average-pooling baseline)
 * @param noise           train-mode stochasticity: LoRA dropout, HuBERT dropouts, LayerDrop, time masks (null: none)
 * @param init            how weights start without {@code --init}: torch's module defaults train from scratch;
 *                        null (configurations written before it existed): the small normal the first runs used
 */
public record TrainConfig(long seed, int batchSize, int warmupSteps, int trainSteps, double lr, int lrWarmup,
                          double clipNorm, ImageTraining imageBackbone, boolean finetuneAudio, boolean trainPooling,
                          int checkpointEvery, io.denseav.training.loss.LossWeights losses, String simAgg, TrainNoise noise,
                          ScratchInit init) {
    public TrainConfig {
        if (noise == null) noise = TrainNoise.NONE; // configurations written before train mode existed
        if (init == null) init = ScratchInit.SMALL_NORMAL;
    }

    /** Weights start from {@link ScratchInit#TORCH_DEFAULT}. */
    public TrainConfig(long seed, int batchSize, int warmupSteps, int trainSteps, double lr, int lrWarmup, double clipNorm,
                       ImageTraining imageBackbone, boolean finetuneAudio, boolean trainPooling, int checkpointEvery,
                       io.denseav.training.loss.LossWeights losses, String simAgg, TrainNoise noise) {
        this(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio, trainPooling,
                checkpointEvery, losses, simAgg, noise, ScratchInit.TORCH_DEFAULT);
    }

    /** What of the image backbone trains in phase 2. */
    public enum ImageTraining { NONE, LORA, ALL }

    /** The reference's settings with the given phase lengths. */
    public static TrainConfig reference(int warmupSteps, int trainSteps) {
        return new TrainConfig(0, 10, warmupSteps, trainSteps, 5e-5, 1000, GradientClipping.DEFAULT_MAX_NORM,
                ImageTraining.LORA, true, true, 500, io.denseav.training.loss.LossWeights.defaults(), "misa",
                TrainNoise.reference());
    }

    public int totalSteps() {
        return warmupSteps + trainSteps;
    }

    /** The phase of a 0-based global step: 1 (warm-up) or 2. */
    public int phaseOf(long step) {
        return step < warmupSteps ? 1 : 2;
    }

    /** The step within its phase, for the per-phase learning-rate warm-up. */
    public long stepInPhase(long step) {
        return step < warmupSteps ? step : step - warmupSteps;
    }

    /** The learning rate of a 0-based global step: the per-phase linear warm-up (§5.2). */
    public double lrAt(long step) {
        return new LearningRate(lr, lrWarmup).at(stepInPhase(step));
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(s, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, simAgg, noise, init);
    }

    public TrainConfig withSteps(int warmup, int train) {
        return new TrainConfig(seed, batchSize, warmup, train, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, simAgg, noise, init);
    }

    public TrainConfig withLrWarmup(int steps) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, steps, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, simAgg, noise, init);
    }

    public TrainConfig withCheckpointEvery(int n) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, n, losses, simAgg, noise, init);
    }

    public TrainConfig withFinetuneAudio(boolean on) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, on,
                trainPooling, checkpointEvery, losses, simAgg, noise, init);
    }

    public TrainConfig withSimAgg(String agg) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, agg, noise, init);
    }

    public TrainConfig withNoise(TrainNoise n) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, simAgg, n, init);
    }

    public TrainConfig withLosses(io.denseav.training.loss.LossWeights w) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, w, simAgg, noise, init);
    }

    public TrainConfig withInit(ScratchInit i) {
        return new TrainConfig(seed, batchSize, warmupSteps, trainSteps, lr, lrWarmup, clipNorm, imageBackbone, finetuneAudio,
                trainPooling, checkpointEvery, losses, simAgg, noise, i);
    }
}
