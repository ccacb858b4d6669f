package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/** Temporal total variation (denseav-reference.md §4.2, {@code tv_weight}): {@code mean((P[…, t+1] − P[…, t])²)}. */
public final class TemporalTv {
    private TemporalTv() {
    }

    /** @param paired {@code [B, K, h, w, T]}, T ≥ 2 (the reference's mean over no differences is NaN) */
    public static SDVariable loss(SDVariable paired, LossDims d) {
        if (d.t() < 2) throw new IllegalArgumentException("temporal TV needs at least 2 frames, got " + d.t());
        SDIndex all = SDIndex.all();
        SDVariable next = paired.get(all, all, all, all, SDIndex.interval(1, d.t()));
        SDVariable prev = paired.get(all, all, all, all, SDIndex.interval(0, d.t() - 1));
        return paired.getSameDiff().math().square(next.sub(prev)).mean();
    }
}
