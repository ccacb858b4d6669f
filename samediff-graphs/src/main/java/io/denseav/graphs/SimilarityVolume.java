package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DenseAV's dense similarity volume (denseav-reference.md §3): raw inner products, no normalisation, between every
 * audio frame and every image patch, with the code channels split into K contiguous heads. F = 1 for HuBERT, so the
 * frequency axis is left out of the shapes ("mean over f" is the identity).
 */
public final class SimilarityVolume {
    private SimilarityVolume() {
    }

    /**
     * Paired volume (§3.2): {@code P[b,k,h,w,t] = Σ_c A[b,k,c,t]·V[b,k,c,h,w]·mask[b,t]}.
     *
     * @param audio {@code [B, code, 1, T]}
     * @param image {@code [B, code, h, w]}
     * @param mask  {@code [B, T]}, 1 for valid audio frames
     * @return {@code [B, K, h, w, T]}
     */
    public static SDVariable paired(SDVariable audio, SDVariable image, SDVariable mask, int k, long code, int batch,
                                    int h, int w, int t) {
        SameDiff sd = audio.getSameDiff();
        long c = code / k;
        SDVariable a = audio.reshape(batch, k, c, t).permute(0, 1, 3, 2).reshape((long) batch * k, t, c);
        SDVariable v = image.reshape(batch, k, c, (long) h * w).permute(0, 1, 3, 2).reshape((long) batch * k, (long) h * w, c);
        SDVariable s = sd.mmul(v, a, false, true, false).reshape(batch, k, (long) h * w, t);
        return s.mul(mask.reshape(batch, 1, 1, t)).reshape(batch, k, h, w, t);
    }

    /**
     * All-pairs volume (§3.1) per head, before pooling: {@code S[k, a, t, v, hw]} for A clips and V images.
     * Used through {@link MisaAggregator}, in chunks of images, so that memory stays bounded.
     */
    public static SDVariable allPairs(SDVariable audio, SDVariable image, int k, long code, int clips, int t, int images,
                                      int hw) {
        SameDiff sd = audio.getSameDiff();
        long c = code / k;
        SDVariable a = audio.reshape(clips, k, c, t).permute(1, 0, 3, 2).reshape(k, (long) clips * t, c);
        SDVariable v = image.reshape(images, k, c, hw).permute(1, 0, 3, 2).reshape(k, (long) images * hw, c);
        return sd.mmul(a, v, false, true, false).reshape(k, clips, t, images, hw);
    }
}
