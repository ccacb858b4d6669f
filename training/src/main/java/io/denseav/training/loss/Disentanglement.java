package io.denseav.training.loss;

import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Disentanglement L_Dis (denseav-reference.md §4.2, {@code disentangle_weight}): with K even and a source label
 * (0 = PlacesAudio speech, 1 = AudioSet sound), {@code m[b, k] = 1 − onehot(source[b])[k / (K/2)]}: the two
 * classes in contiguous blocks of K/2 heads (the reference's broadcast-then-reshape, not a tiling), so speech
 * penalises the second block and sound the first; {@code L = mean((Σ_k m[b, k]·P[b, k, …])²)}. Head 0 becomes
 * the language head.
 */
public final class Disentanglement {
    private Disentanglement() {
    }

    /**
     * @param paired {@code [B, K, h, w, T]}
     * @param source {@code [B]} 0 (speech) or 1 (sound), any numeric type
     */
    public static SDVariable loss(SDVariable paired, SDVariable source, LossDims d) {
        SameDiff sd = paired.getSameDiff();
        SDVariable m = headMask(paired, source, d);
        SDVariable mixed = paired.mul(m.reshape(d.batch(), d.heads(), 1, 1, 1)).sum(1); // [B, h, w, T]
        return sd.math().square(mixed).mean();
    }

    /** {@code m [B, K]}: for s ∈ {0, 1}, the first K/2 heads get s and the last K/2 get 1 − s. */
    static SDVariable headMask(SDVariable like, SDVariable source, LossDims d) {
        if (d.heads() % 2 != 0) throw new IllegalArgumentException("disentanglement needs an even head count, got " + d.heads());
        double[] first = new double[d.heads()];
        Arrays.fill(first, 0, d.heads() / 2, 1.0);
        SDVariable block0 = LossOps.constant(like, Nd4j.createFromArray(first).reshape(1, d.heads()));
        SDVariable s = source.castTo(like.dataType()).reshape(d.batch(), 1);
        return s.mul(block0).add(s.rsub(1.0).mul(block0.rsub(1.0)));
    }
}
