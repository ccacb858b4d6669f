package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Image mixup (denseav-reference.md §4.2, {@code mixup_weight}): a quad-mixup image is a 2×2 grid with one
 * positive quadrant; {@code image_masks} marks it and is pooled to the feature grid with adaptive average pooling.
 * {@code L = Σ(P·(1 − mask))² / max(Σ(1 − mask), 0.1)}: the square is on each element, inside the sum (the
 * reference's {@code (P * neg).square().sum()}), and both sums run over the whole volume, (1 − mask) broadcast
 * over K and T, so the denominator counts each location {@code K·T} times.
 */
public final class QuadMixup {
    static final double MIN_MASS = 0.1;

    private QuadMixup() {
    }

    /**
     * @param paired {@code [B, K, h, w, T]}
     * @param mask   {@code [B, 1, h, w]} positive-image mask already at the feature resolution (see {@link #pool})
     */
    public static SDVariable loss(SDVariable paired, SDVariable mask, LossDims d) {
        SameDiff sd = paired.getSameDiff();
        SDVariable negative = mask.rsub(1.0).reshape(d.batch(), 1, d.h(), d.w(), 1);
        SDVariable num = sd.math().square(paired.mul(negative)).sum();
        SDVariable mass = negative.sum().mul((double) d.heads() * d.t());
        return num.div(LossOps.atLeast(mass, MIN_MASS));
    }

    /**
     * {@code adaptive_avg_pool2d} of a {@code [B, 1, H, W]} mask to {@code [B, 1, h, w]} when h divides H and w
     * divides W (224 → 28 or 14): then every output cell is the plain mean of an {@code H/h × W/w} block.
     */
    public static SDVariable pool(SDVariable mask, int batch, int height, int width, int h, int w) {
        if (height % h != 0 || width % w != 0) {
            throw new IllegalArgumentException("mask " + height + "x" + width + " is not a multiple of the feature grid " + h + "x" + w);
        }
        if (height == h && width == w) return mask;
        return mask.reshape(batch, h, height / h, w, width / w).mean(2, 4).reshape(batch, 1, h, w);
    }
}
