package io.denseav.graphs;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SpecAugment time masks as HF's {@code _compute_mask_indices} draws them for HuBERT in train mode: one shared
 * ε ~ U[0, 1); per row {@code max(min_masks, ⌊p·T/len + ε⌋)} spans (capped to fit) of {@code len} frames, their
 * starts drawn without replacement from {@code 0 … T − len}. Masked frames are replaced by {@code masked_spec_embed}
 * after the feature projection. Drawn in Java from a seeded generator and fed as a {@code [B, T]} 0/1 input, so a
 * step is reproducible and a data-parallel worker gets its rows.
 */
public final class SpecAugment {
    /** HF's mask_time_min_masks. */
    public static final int MIN_MASKS = 2;

    private SpecAugment() {
    }

    /** A {@code [batch, frames]} float 0/1 mask (all zero when p = 0). */
    public static INDArray timeMask(int batch, int frames, double p, int length, SplittableRandom random) {
        float[][] m = new float[batch][frames];
        if (p > 0 && frames >= length) {
            double epsilon = random.nextDouble();
            int spans = Math.max(MIN_MASKS, (int) (p * frames / length + epsilon));
            if (spans * length > frames) spans = frames / length;
            spans = Math.min(spans, Math.max(frames - (length - 1), 0));
            int starts = frames - (length - 1);
            for (float[] row : m) {
                int[] pool = new int[starts];
                for (int i = 0; i < starts; i++) pool[i] = i;
                for (int s = 0; s < spans; s++) { // partial Fisher-Yates: a choice without replacement
                    int j = s + random.nextInt(starts - s);
                    int t = pool[s];
                    pool[s] = pool[j];
                    pool[j] = t;
                    for (int k = 0; k < length; k++) row[pool[s] + k] = 1f;
                }
            }
        }
        return Nd4j.createFromArray(m);
    }
}
