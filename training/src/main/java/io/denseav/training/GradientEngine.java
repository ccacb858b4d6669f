package io.denseav.training;

import io.denseav.data.train.TrainingBatch;
import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.LossSampling;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where one training step's loss and weight gradients come from: one graph on one device ({@link SingleDevice}), or
 * several workers whose features join one gathered contrastive batch ({@link DataParallel}). The trainer clips the
 * gradients and applies Adam to {@link #weight} itself, then calls {@link #updated}.
 */
interface GradientEngine extends AutoCloseable {
    /** The loss terms (total first) and the gradients of the trainable weights, by graph variable name. */
    record Result(Map<String, Double> losses, Map<String, INDArray> gradients) {
    }

    /**
     * A step's train-mode randomness: the seed of ND4J's generator for the graphs' dropout masks (each worker
     * derives its own), and SpecAugment's {@code [B, T]} time masks, or null when off.
     */
    record Noise(long seed, INDArray timeMask) {
    }

    /** The model whose weights train (a data-parallel engine's master). */
    DenseAv model();

    /** Samples of every clip. */
    int samples();

    /** Aligned frames T_a of the clips. */
    default int frames() {
        return model().alignedFrames(samples());
    }

    /** HuBERT frames of the clips (the time masks' width). */
    default int hubertFrames() {
        return model().config().audio().frames(samples());
    }

    Result gradients(TrainingBatch batch, INDArray frameMask, INDArray positive, LossSampling sampling, int phase, Noise noise);

    /** The authoritative array of a weight, updated in place by the optimiser. */
    INDArray weight(String name);

    /** Called after the optimiser changed {@code names} (replicas copy them). */
    default void updated(List<String> names) {
    }

    @Override
    default void close() {
    }
}
