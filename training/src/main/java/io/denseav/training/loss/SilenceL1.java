package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Silence L1 (denseav-reference.md §4.2, {@code silence_l1}): N = 250 random masked-out (padding or silence) audio
 * frames, each head's feature (mean over f, F = 1) dotted with every location of every image of the batch;
 * {@code mean |·|} over {@code [B, K, N, h, w]}. The term applies only when at least N masked-out frames exist;
 * {@link LossSampling#silence} then gives the rows, else null and the term is 0.
 */
public final class SilenceL1 {
    private SilenceL1() {
    }

    /**
     * @param rows {@code [N]} integer rows {@code b·T + t} of masked-out frames, or null (term off: 0)
     */
    public static SDVariable loss(SDVariable audio, SDVariable image, SDVariable rows, LossDims d) {
        if (rows == null) return LossOps.zero(audio);
        SameDiff sd = audio.getSameDiff();
        SDVariable silent = LossOps.pick(LossOps.audioRows(audio, d), rows, (long) d.batch() * d.t()); // [N, code]
        SDVariable locations = LossOps.byHead(LossOps.imageRows(image, d), d);                         // [K, B·h·w, c]
        return sd.math().abs(sd.mmul(locations, LossOps.byHead(silent, d), false, true, false)).mean();
    }
}
