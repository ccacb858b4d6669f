package io.denseav.graphs;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Train-mode stochasticity (denseav-reference.md §5.1, §5.3): dropout on the image LoRA's input branch (peft's
 * lora_dropout 0.1) and HuBERT's train mode (HF HubertModel: feature-projection, hidden, attention and activation
 * dropout 0.1, LayerDrop 0.1, SpecAugment time masking p 0.05 / length 10, min 2 spans; hubert-large-ls960-ft's
 * config values, UNVERIFIED for the releases' training). {@link #NONE} is eval mode.
 * <p>
 * Attached to a graph while it is built ({@link #attach}), so the blocks read it without new parameters. The random
 * masks are SameDiff ops drawing from ND4J's thread-local generator: seed it before each run
 * ({@code Nd4j.getRandom().setSeed}) and a step is reproducible (exact resume). M2.1's dropout ops have a broken
 * backward (dl4j-samediff.md), so dropout is composed: {@code x · bernoulli(1 − p) / (1 − p)}.
 *
 * @param loraDropout    dropout on the LoRA branch's input (image)
 * @param audioDropout   HuBERT's dropouts (feature projection, hidden, attention probabilities, activation)
 * @param layerDrop      probability of skipping each HuBERT encoder layer for the whole batch
 * @param timeMaskProb   SpecAugment mask_time_prob (the masks come in as a {@code [B, T]} input, see {@link SpecAugment})
 * @param timeMaskLength SpecAugment mask_time_length
 */
public record TrainNoise(double loraDropout, double audioDropout, double layerDrop, double timeMaskProb, int timeMaskLength) {
    public static final TrainNoise NONE = new TrainNoise(0, 0, 0, 0, 10);
    // by identity (SameDiff's equals/hashCode follow its contents, which grow while it is built), weakly held
    private static final List<Map.Entry<WeakReference<SameDiff>, TrainNoise>> GRAPHS = new ArrayList<>();

    public TrainNoise {
        for (double p : new double[] {loraDropout, audioDropout, layerDrop, timeMaskProb}) {
            if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("train-noise probabilities must be in [0, 1): " + p);
        }
        if (timeMaskLength < 1) throw new IllegalArgumentException("time-mask length " + timeMaskLength);
    }

    /** The reference's train mode: 0.1 LoRA dropout, HuBERT dropouts 0.1, LayerDrop 0.1, time masks 0.05 × 10. */
    public static TrainNoise reference() {
        return new TrainNoise(0.1, 0.1, 0.1, 0.05, 10);
    }

    /** Builds {@code sd}'s paths in this train mode from now on. */
    public void attach(SameDiff sd) {
        synchronized (GRAPHS) {
            GRAPHS.removeIf(e -> e.getKey().get() == null || e.getKey().get() == sd);
            GRAPHS.add(Map.entry(new WeakReference<>(sd), this));
        }
    }

    /** The train mode a graph is being built in ({@link #NONE} unless attached). */
    public static TrainNoise of(SameDiff sd) {
        synchronized (GRAPHS) {
            for (Map.Entry<WeakReference<SameDiff>, TrainNoise> e : GRAPHS) if (e.getKey().get() == sd) return e.getValue();
        }
        return NONE;
    }

    /**
     * This train mode's SpecAugment time mask for a batch ({@link SpecAugment#timeMask}, the graph's
     * {@link DenseAv#AUDIO_TIME_MASK} input), or null when it masks nothing.
     */
    public org.nd4j.linalg.api.ndarray.INDArray timeMask(int batch, int hubertFrames, java.util.SplittableRandom random) {
        return timeMaskProb > 0 ? SpecAugment.timeMask(batch, hubertFrames, timeMaskProb, timeMaskLength, random) : null;
    }

    /** {@code x · m / (1 − p)} with {@code m ~ Bernoulli(1 − p)} of {@code shape}; {@code x} itself when p = 0. */
    static SDVariable dropout(SDVariable x, double p, long... shape) {
        if (p == 0) return x;
        SDVariable keep = x.getSameDiff().random().bernoulli(1 - p, x.dataType(), shape);
        return x.mul(keep).mul(1.0 / (1 - p));
    }

    /**
     * LayerDrop (Fan et al. 2019, HF's HuBERT encoder): with probability p the whole layer is skipped for the batch,
     * {@code out = x + g·(layer(x) − x)}, g ~ Bernoulli(1 − p) (the layer still runs; a skipped one gets no gradient).
     */
    static SDVariable layerDrop(SDVariable x, SDVariable layerOut, double p) {
        if (p == 0) return layerOut;
        SDVariable g = x.getSameDiff().random().bernoulli(1 - p, x.dataType(), 1);
        return x.add(layerOut.sub(x).mul(g));
    }
}
