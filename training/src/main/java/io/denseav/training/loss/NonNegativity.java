package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Non-negativity pressure (denseav-reference.md §4.2, {@code nonneg_pressure}): N = 250 sampled audio frames
 * {@code (b, t)} and N image locations {@code (b, y, x)} with the same random {@code b} per index; all
 * {@code N × N × K} cross inner products per head; {@code mean(min(sim, 0)²)}. The samples are inputs
 * ({@link LossSampling#nonNegativity}).
 */
public final class NonNegativity {
    private NonNegativity() {
    }

    /**
     * @param audio     {@code [B, code, 1, T]}
     * @param image     {@code [B, code, h, w]}
     * @param audioRows {@code [N]} integer rows {@code b·T + t}
     * @param imageRows {@code [N]} integer rows {@code b·h·w + y·w + x}, with the same {@code b} per index
     */
    public static SDVariable loss(SDVariable audio, SDVariable image, SDVariable audioRows, SDVariable imageRows, LossDims d) {
        SameDiff sd = audio.getSameDiff();
        SDVariable a = LossOps.pick(LossOps.audioRows(audio, d), audioRows, (long) d.batch() * d.t());  // [N, code]
        SDVariable v = LossOps.pick(LossOps.imageRows(image, d), imageRows, (long) d.batch() * d.hw()); // [N, code]
        SDVariable sim = sd.mmul(LossOps.byHead(a, d), LossOps.byHead(v, d), false, true, false);      // [K, N, N]
        return sd.math().square(sd.nn().relu(sim.neg(), 0.0)).mean();                                 // min(s, 0)² = relu(−s)²
    }
}
