package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The global-average-pooling baseline of DenseAV's ablations (the reference's ImageBind-like global pooling, §3.3
 * "global-pooling baselines"): each image is the mean of its patch features, each clip the masked mean of its frame
 * features, and the score is their inner product per head. Unlike MISA there is no max over space, so nothing asks
 * the features to be dense.
 */
public final class GlobalPoolAggregator {
    /** The {@code sim_agg_type} of models trained with this aggregation. */
    public static final String NAME = "imagebind";

    private GlobalPoolAggregator() {
    }

    /**
     * Per-head scores {@code [A, V, K]} of clips {@code [A, code, 1, T]} (mask {@code [A, T]}) against images
     * {@code [V, code, h, w]}.
     */
    public static SDVariable perHead(SDVariable audio, SDVariable image, SDVariable mask, int k, long code, int clips,
                                     int t, int images, int hw) {
        SameDiff sd = audio.getSameDiff();
        long c = code / k;
        SDVariable a = audio.reshape(clips, code, t).mul(mask.reshape(clips, 1, t)).sum(2).div(MisaAggregator.mass(mask)); // [A, code]
        SDVariable v = image.reshape(images, code, hw).mean(2); // [V, code]
        SDVariable ah = a.reshape(clips, k, c).permute(1, 0, 2); // [K, A, c]
        SDVariable vh = v.reshape(images, k, c).permute(1, 0, 2); // [K, V, c]
        return sd.mmul(ah, vh, false, true, false).permute(1, 2, 0); // [A, V, K]
    }

    /** The training/retrieval score {@code [A, V]}: the sum over heads (= the inner product of the pooled codes). */
    public static SDVariable scores(SDVariable audio, SDVariable image, SDVariable mask, int k, long code, int clips, int t,
                                    int images, int hw) {
        return perHead(audio, image, mask, k, code, clips, t, images, hw).sum(2);
    }
}
