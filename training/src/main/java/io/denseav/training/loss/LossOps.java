package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small shared pieces of the loss graphs; every constant takes the floating type of the features. */
final class LossOps {
    private LossOps() {
    }

    /** A scalar constant of {@code like}'s data type. */
    static SDVariable scalar(SDVariable like, double value) {
        return like.getSameDiff().constant(Nd4j.scalar(like.dataType(), value));
    }

    /** A constant array cast to {@code like}'s data type. */
    static SDVariable constant(SDVariable like, INDArray value) {
        return like.getSameDiff().constant(value.castTo(like.dataType()));
    }

    /** {@code max(x, floor)} elementwise, for denominators such as max(Σ weight, 0.1). */
    static SDVariable atLeast(SDVariable x, double floor) {
        return x.getSameDiff().math().max(x, scalar(x, floor));
    }

    /** Audio features {@code [B, code, 1, T]} as one row per frame, {@code [B·T, code]}: row {@code b·T + t}. */
    static SDVariable audioRows(SDVariable audio, LossDims d) {
        return audio.reshape(d.batch(), d.code(), d.t()).permute(0, 2, 1).reshape((long) d.batch() * d.t(), d.code());
    }

    /** Image features {@code [B, code, h, w]} as one row per location, {@code [B·h·w, code]}: row {@code b·h·w + y·w + x}. */
    static SDVariable imageRows(SDVariable image, LossDims d) {
        return image.reshape(d.batch(), d.code(), d.hw()).permute(0, 2, 1).reshape((long) d.batch() * d.hw(), d.code());
    }

    /** Rows {@code [N, code]} split into heads, head-major: {@code [K, N, c]}. */
    static SDVariable byHead(SDVariable rows, LossDims d) {
        return rows.reshape(-1, d.heads(), d.headDim()).permute(1, 0, 2);
    }

    /**
     * Rows {@code indices [N]} (any integer type) of {@code rows [M, code]}, as a one-hot selection matmul
     * {@code (indices == 0..M−1)·rows} → {@code [N, code]}. Not {@code gather}: in M2.1 its backward with SDVariable
     * indices is a control-flow loop that fails even on axis 0 ("Unable to replace samediff namespace" with two
     * gathers in a graph, an assign shape error with one; dl4j-samediff.md §2 (i) covers only axes ≠ 0). The
     * matmul's backward sums repeated indices correctly. Memory N·M, e.g. 250 × 40·14·14 ≈ 2 M.
     */
    static SDVariable pick(SDVariable rows, SDVariable indices, long m) {
        SameDiff sd = rows.getSameDiff();
        SDVariable range = constant(rows, Nd4j.arange(m).reshape(1, m));
        SDVariable select = sd.eq(indices.castTo(rows.dataType()).reshape(-1, 1), range).castTo(rows.dataType()); // [N, M]
        return sd.mmul(select, rows);
    }

    /** The scalar 0 of {@code like}'s type, for a term that is off. */
    static SDVariable zero(SDVariable like) {
        return scalar(like, 0.0);
    }
}
