package io.denseav.training.loss;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The random samples of the regularisers (denseav-reference.md §4.2), drawn in Java from a seeded
 * {@link SplittableRandom} and fed to the graphs as integer inputs, so a step is reproducible and the torch
 * goldens can use the very same indices. Rows are flat: audio {@code b·T + t} ({@code [B, code, 1, T]}, F = 1),
 * image {@code b·h·w + y·w + x}. Not thread-safe (one per training loop).
 */
public final class LossSampling {
    /** N in the reference. */
    public static final int SAMPLES = 250;
    private final SplittableRandom random;
    private final int samples;

    public LossSampling(long seed) {
        this(seed, SAMPLES);
    }

    /** With a different N (tests). */
    public LossSampling(long seed, int samples) {
        if (samples < 1) throw new IllegalArgumentException("samples " + samples);
        this.random = new SplittableRandom(seed);
        this.samples = samples;
    }

    /** Non-negativity samples: N audio frames and N image locations with the same random b per index. */
    public record Pairs(int[] audioRows, int[] imageRows) {
    }

    /** {@link NonNegativity}'s samples: uniform b, t, y, x, with replacement, as torch.randint. */
    public Pairs nonNegativity(LossDims d) {
        int[] audio = new int[samples];
        int[] image = new int[samples];
        for (int i = 0; i < samples; i++) {
            int b = random.nextInt(d.batch());
            audio[i] = b * d.t() + random.nextInt(d.t());
            image[i] = b * d.hw() + random.nextInt(d.hw());
        }
        return new Pairs(audio, image);
    }

    /** Whether {@link #silence} draws rows for this {@code [B, T]} mask: at least N masked-out frames (draws nothing). */
    public boolean silenceApplies(INDArray frameMask) {
        return maskedOut(frameMask.toFloatMatrix()) >= samples;
    }

    private static int maskedOut(float[][] frameMask) {
        int count = 0;
        for (float[] row : frameMask) for (float v : row) if (v == 0f) count++;
        return count;
    }

    /** {@link #silence(float[][])} of a {@code [B, T]} mask array. */
    public int[] silence(INDArray frameMask) {
        return silence(frameMask.toFloatMatrix());
    }

    /**
     * {@link SilenceL1}'s samples: N distinct masked-out frames ({@code mask[b][t] == 0}) chosen uniformly without
     * replacement (the reference's randperm subset), or null when fewer than N exist (the term is off).
     *
     * @param frameMask {@code [B][T]}, 0 where the frame is padding or silence
     */
    public int[] silence(float[][] frameMask) {
        int t = frameMask.length == 0 ? 0 : frameMask[0].length;
        int count = maskedOut(frameMask);
        if (count < samples) return null;
        int[] masked = new int[count];
        int n = 0;
        for (int b = 0; b < frameMask.length; b++) {
            for (int i = 0; i < t; i++) if (frameMask[b][i] == 0f) masked[n++] = b * t + i;
        }
        for (int i = 0; i < samples; i++) { // partial Fisher–Yates: the first N of a uniform permutation
            int j = i + random.nextInt(count - i);
            int tmp = masked[i];
            masked[i] = masked[j];
            masked[j] = tmp;
        }
        return Arrays.copyOf(masked, samples);
    }
}
