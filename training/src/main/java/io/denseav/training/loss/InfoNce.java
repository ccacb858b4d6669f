package io.denseav.training.loss;

import io.denseav.graphs.MisaAggregator;
import io.denseav.graphs.SimilarityVolume;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Symmetric InfoNCE with DenseAV's similarity calibrator (denseav-reference.md §3.4, §4.1):
 * {@code w = clamp(exp(w_log), 0.01, 100)}, {@code S_cal = w·S − mean(w·S)},
 * {@code L = ½·mean_i −log softmax_row(S_cal)_ii + ½·mean_i −log softmax_col(S_cal)_ii}. No margin, no label
 * smoothing ({@code loss_margin = loss_leak = 0}).
 */
public final class InfoNce {
    /** The calibrator's parameter, named as in the checkpoint. */
    public static final String W_LOG = "sim_cal.w";
    static final double MIN_W = 0.01;
    static final double MAX_W = 100.0;

    private InfoNce() {
    }

    /**
     * The trainable {@code sim_cal.w} {@code [1]} of {@code sd}: the existing variable (e.g. loaded with the
     * checkpoint by DenseAv), else a new one initialised to {@code log(calInit)} (§3.4).
     */
    public static SDVariable calibration(SameDiff sd, DataType dtype, double calInit) {
        SDVariable w = sd.getVariable(W_LOG);
        return w != null ? w : sd.var(W_LOG, Nd4j.valueArrayOf(new long[] {1}, Math.log(calInit), dtype));
    }

    /** The calibrated scale {@code w = clamp(exp(w_log), 0.01, 100)}, shape {@code [1]}. */
    public static SDVariable scale(SDVariable wLog) {
        return wLog.getSameDiff().math().clipByValue(wLog.getSameDiff().math().exp(wLog), MIN_W, MAX_W);
    }

    /**
     * The training score {@code S [B, B]} (audio rows, image columns): the all-pairs volume pooled by MISA with
     * {@code max_elementwise} head aggregation (§3.3).
     */
    public static SDVariable scores(SDVariable audio, SDVariable image, SDVariable frameMask, LossDims d) {
        SDVariable volume = SimilarityVolume.allPairs(audio, image, d.heads(), d.code(), d.batch(), d.t(), d.batch(), d.hw());
        return MisaAggregator.scores(volume, frameMask, MisaAggregator.HeadAgg.MAX_ELEMENTWISE, d.batch(), d.t())
                .reshape(d.batch(), d.batch());
    }

    /** The loss from scores {@code S [B, B]} and {@code w_log [1]}. */
    public static SDVariable loss(SDVariable scores, SDVariable wLog, int batch) {
        SDVariable x = scores.mul(scale(wLog));
        x = x.sub(x.mean());
        SDVariable diagonal = x.mul(LossOps.constant(x, Nd4j.eye(batch)));
        // −log softmax(S_cal)_ii = logsumexp_i − S_cal[i, i], rows [B, 1] and columns [1, B] (keepDims, no reshape)
        SDVariable rows = logSumExp(x, 1).sub(diagonal.sum(true, 1)).mean();
        SDVariable cols = logSumExp(x, 0).sub(diagonal.sum(true, 0)).mean();
        return rows.add(cols).mul(0.5);
    }

    /**
     * {@code log Σ exp(x)} along {@code dim} (kept, size 1), stabilised by the max. M2.1's {@code logSoftmax(x, dim)} has no
     * working backward pass and {@code x − logSumExp(x, dim).reshape(..)} fails in reduce_sum_bp
     * (dl4j-samediff.md §2 (d)), so it is composed from max/exp/sum/log, which all differentiate.
     */
    static SDVariable logSumExp(SDVariable x, int dim) {
        SameDiff sd = x.getSameDiff();
        SDVariable m = x.max(true, dim);
        return sd.math().log(sd.math().exp(x.sub(m)).sum(true, dim)).add(m);
    }
}
