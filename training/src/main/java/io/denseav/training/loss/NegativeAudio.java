package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Negative-audio splice (denseav-reference.md §4.2, {@code neg_audio_weight}): frames of a spliced-in foreign clip
 * should not match the image. {@code weight = (1 − posMask)·mask}, with posMask the positive-audio mask
 * interpolated to T_a and not discretised (§3.5); {@code Σ P²·weight / max(Σ weight, 0.1)}. As in the reference the
 * weight is broadcast over the whole volume, so the denominator counts each frame {@code K·h·w} times.
 */
public final class NegativeAudio {
    static final double MIN_WEIGHT = 0.1;

    private NegativeAudio() {
    }

    /**
     * @param paired    {@code [B, K, h, w, T]} from SimilarityVolume.paired
     * @param frameMask {@code [B, T]} 0/1
     * @param posMask   {@code [B, T]} in [0, 1], 1 where the audio belongs to the clip
     */
    public static SDVariable loss(SDVariable paired, SDVariable frameMask, SDVariable posMask, LossDims d) {
        SameDiff sd = paired.getSameDiff();
        SDVariable weight = posMask.rsub(1.0).mul(frameMask);                                   // [B, T]
        SDVariable num = sd.math().square(paired).mul(weight.reshape(d.batch(), 1, 1, 1, d.t())).sum();
        SDVariable mass = weight.sum().mul((double) d.heads() * d.hw());                       // Σ over the broadcast
        return num.div(LossOps.atLeast(mass, MIN_WEIGHT));
    }
}
