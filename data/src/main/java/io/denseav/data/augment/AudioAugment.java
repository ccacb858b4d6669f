package io.denseav.data.augment;

import java.util.SplittableRandom;

/**
 * DenseAV's always-on training audio augmentation (denseav-reference.md §4, §5.4), on 16 kHz samples:
 * a spliced negative (1–4 s of another clip with a raised-cosine crossfade, ease = clamp(len/4, 0.5 s, len/2),
 * and a positive mask marking what is not spliced), and the extra random-window masking (p = 0.5).
 */
public final class AudioAugment {
    static final int RATE = 16_000;
    /** Items whose mask mean falls below this are dropped (the reference's filter). */
    public static final double MIN_MASK_MEAN = 0.04;

    private AudioAugment() {
    }

    /** Audio with a negative splice and its positive mask (1 = the clip's own sound). */
    public record Spliced(float[] audio, float[] positive) {
    }

    /** Splices a 1–4 s piece of {@code other} into {@code audio} at a random place, with raised-cosine edges. */
    public static Spliced spliceNegative(float[] audio, float[] other, SplittableRandom rnd) {
        return spliceNegative(audio, other, RATE, 4 * RATE, rnd);
    }

    /** The same with a piece of {@code minLen}–{@code maxLen} samples (the reference: 1–4 s). */
    public static Spliced spliceNegative(float[] audio, float[] other, int minLen, int maxLen, SplittableRandom rnd) {
        float[] out = audio.clone();
        float[] pos = new float[audio.length];
        java.util.Arrays.fill(pos, 1f);
        int len = Math.min(Math.min(audio.length, other.length), minLen + rnd.nextInt(maxLen - minLen + 1));
        if (len <= 0) return new Spliced(out, pos);
        int src = rnd.nextInt(other.length - len + 1);
        int dst = rnd.nextInt(audio.length - len + 1);
        int ease = (int) Math.max(1, Math.min(Math.max(len / 4.0, 0.5 * RATE), len / 2.0));
        for (int i = 0; i < len; i++) {
            int edge = Math.min(i, len - 1 - i);
            double w = edge >= ease ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * edge / ease);
            out[dst + i] = (float) ((1 - w) * audio[dst + i] + w * other[src + i]);
            pos[dst + i] = (float) (1 - w);
        }
        return new Spliced(out, pos);
    }

    /**
     * With probability 0.5 (and a clip longer than 0.5 s), keeps one random window of length in [0.5 s, valid
     * length] and zeroes the rest of the audio and of the mask, in place. Returns true if it masked.
     */
    public static boolean randomWindow(float[] audio, float[] mask, SplittableRandom rnd) {
        return randomWindow(audio, mask, 0.5, rnd);
    }

    /** {@link #randomWindow(float[], float[], SplittableRandom)} with probability {@code p} instead of 0.5. */
    public static boolean randomWindow(float[] audio, float[] mask, double p, SplittableRandom rnd) {
        int valid = 0;
        for (float m : mask) valid += m > 0 ? 1 : 0;
        if (rnd.nextDouble() >= p || valid <= RATE / 2) return false;
        int keep = RATE / 2 + rnd.nextInt(valid - RATE / 2 + 1);
        int start = rnd.nextInt(valid - keep + 1);
        for (int i = 0; i < audio.length; i++) {
            if (i < start || i >= start + keep) {
                audio[i] = 0f;
                mask[i] = 0f;
            }
        }
        return true;
    }

    /** The reference's filter: keep an item only if its mask mean is at least 0.04. */
    public static boolean keep(float[] mask) {
        return keep(mask, MIN_MASK_MEAN);
    }

    /** {@link #keep(float[])} with another threshold: keep an item only if its mask mean is at least {@code minMean}. */
    public static boolean keep(float[] mask, double minMean) {
        double sum = 0;
        for (float m : mask) sum += m;
        return mask.length > 0 && sum / mask.length >= minMean;
    }
}
