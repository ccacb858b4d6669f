package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Head specialisation (denseav-reference.md §4.2, {@code specialization_weight}, only for K > 1): mean over head
 * pairs i < j of {@code mean(|P_i|·|P_j|)}. All pairs at once: with {@code Q = |P|} as {@code [K, M]},
 * {@code G = Q·Qᵀ} holds {@code Σ |P_i|·|P_j|}, and the strict upper triangle is averaged.
 */
public final class HeadSpecialization {
    private HeadSpecialization() {
    }

    /** @param paired {@code [B, K, h, w, T]}, K ≥ 2 */
    public static SDVariable loss(SDVariable paired, LossDims d) {
        int k = d.heads();
        if (k < 2) throw new IllegalArgumentException("head specialisation needs at least 2 heads");
        SameDiff sd = paired.getSameDiff();
        long m = (long) d.batch() * d.hw() * d.t();
        SDVariable q = sd.math().abs(paired).permute(1, 0, 2, 3, 4).reshape(k, m);
        SDVariable gram = sd.mmul(q, q, false, true, false);                      // [K, K]
        INDArray upper = Nd4j.zeros(k, k);
        for (int i = 0; i < k; i++) for (int j = i + 1; j < k; j++) upper.putScalar(i, j, 1.0);
        double pairs = k * (k - 1) / 2.0;
        return gram.mul(LossOps.constant(paired, upper)).sum().div(m * pairs);
    }
}
