package io.denseav.data.augment;

import io.denseav.data.PilBilinear;
import io.denseav.data.RgbImage;
import java.util.SplittableRandom;

/**
 * DenseAV's quad-mixup (denseav-reference.md §4, {@code quad_mixup: 0.1}): a 2×2 grid of half-size images, one the
 * positive and three others, with a mask marking the positive quadrant (the mixup loss pushes the similarity
 * outside it towards zero).
 *
 * @param image the grid
 * @param mask  1 inside the positive quadrant, row-major {@code [size·size]}
 */
public record QuadMixup(RgbImage image, float[] mask) {
    /** The reference's probability of replacing a training image by a grid. */
    public static final double P = 0.1;

    /** Builds the grid of {@code positive} and three {@code others}, all {@code size×size}, positive in a random quadrant. */
    public static QuadMixup of(RgbImage positive, RgbImage[] others, SplittableRandom rnd) {
        int size = positive.width();
        if (positive.height() != size || others.length != 3) throw new IllegalArgumentException("need a square positive and 3 others");
        int half = size / 2;
        int quadrant = rnd.nextInt(4);
        byte[] out = new byte[size * size * 3];
        float[] mask = new float[size * size];
        for (int q = 0, o = 0; q < 4; q++) {
            RgbImage src = PilBilinear.resize(q == quadrant ? positive : others[o++], half, half);
            int top = (q / 2) * half;
            int left = (q % 2) * half;
            for (int y = 0; y < half; y++) {
                System.arraycopy(src.rgb(), y * half * 3, out, ((top + y) * size + left) * 3, half * 3);
                if (q == quadrant) java.util.Arrays.fill(mask, (top + y) * size + left, (top + y) * size + left + half, 1f);
            }
        }
        return new QuadMixup(new RgbImage(size, size, out), mask);
    }
}
