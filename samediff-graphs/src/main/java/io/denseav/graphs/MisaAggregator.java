package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MISA pooling of the similarity volume (denseav-reference.md §3.3, ImageThenAudioAggregator("max", "avg")):
 * max over space (w, then h), mean over f (F = 1), then the masked mean over time Σ x·m / max(Σ m, 0.001).
 * Head aggregation: {@code max_elementwise} takes the max over heads before pooling (the loss score); {@code sum}
 * and {@code max} pool each head, then sum or max (retrieval uses the sum).
 */
public final class MisaAggregator {
    /** Smallest mask mass in the time mean, as the reference: max(Σ m, 0.001). */
    static final double MIN_MASS = 0.001;

    /** How heads are combined. */
    public enum HeadAgg {
        MAX_ELEMENTWISE, SUM, MAX;

        public static HeadAgg parse(String name) {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    private MisaAggregator() {
    }

    /**
     * Scores of every clip against every image from {@link SimilarityVolume#allPairs} {@code [K, A, T, V, hw]}
     * and the audio mask {@code [A, T]}: {@code [A, V, K]} per head when {@code agg} is null, else {@code [A, V, 1]}.
     */
    public static SDVariable scores(SDVariable volume, SDVariable mask, HeadAgg agg, int clips, int t) {
        SDVariable v = agg == HeadAgg.MAX_ELEMENTWISE ? Ops.maxOver(volume, 0, true) : volume; // [K', A, T, V, hw]
        SDVariable spatialMax = v.max(4); // [K', A, T, V]
        SDVariable m = mask.reshape(1, clips, t, 1);
        SDVariable pooled = spatialMax.mul(m).sum(2).div(mass(mask).reshape(1, clips, 1)); // [K', A, V]
        SDVariable perHead = pooled.permute(1, 2, 0); // [A, V, K']
        if (agg == null) return perHead;
        switch (agg) {
            case SUM: return perHead.sum(true, 2);
            case MAX: return perHead.max(true, 2);
            default: return perHead;
        }
    }

    /**
     * The eval heatmap (§7.1): paired volume {@code [B, K, h, w, T]} → max over heads → masked mean over time
     * {@code [B, h, w]}. The mass is clamped as in MISA, so a silent or empty clip gives zeros, never NaN.
     */
    public static SDVariable heatmap(SDVariable paired, SDVariable mask, int batch, int t) {
        SDVariable headMax = Ops.maxOver(paired, 1, false); // [B, h, w, T]
        SDVariable m = mask.reshape(batch, 1, 1, t);
        return headMax.mul(m).sum(3).div(mass(mask).reshape(batch, 1, 1));
    }

    /** The time-mean denominator per clip, max(Σ_t m, 0.001), as {@code [N, 1]}. */
    static SDVariable mass(SDVariable mask) {
        SameDiff sd = mask.getSameDiff();
        return sd.math().max(mask.sum(true, 1), sd.constant(Nd4j.scalar(mask.dataType(), MIN_MASS)));
    }
}
