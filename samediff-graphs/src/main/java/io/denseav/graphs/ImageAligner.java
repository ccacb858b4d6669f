package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DenseAV's image aligner {@code image_linear} (denseav-reference.md §2.1): ChannelNorm (LayerNorm over channels,
 * eps 1e-4) then a 1×1 conv (a Linear on token-major patches). The {@code cls_layer} is kept as a variable, as in
 * the reference, where it is unused for scoring.
 */
final class ImageAligner {
    static final double EPS = 1e-4;

    private ImageAligner() {
    }

    /** {@code patches [B·h·w, D]} → aligned {@code [B·h·w, code]}. */
    static SDVariable apply(Params p, SDVariable patches, long d, long code) {
        SameDiff sd = patches.getSameDiff();
        SDVariable normed = Ops.layerNorm(patches, 1, p.var(sd, "image_aligner.norm.norm.weight", d),
                p.var(sd, "image_aligner.norm.norm.bias", d), EPS);
        p.var(sd, "image_aligner.cls_layer.weight", code, d);
        p.var(sd, "image_aligner.cls_layer.bias", code);
        SDVariable w = p.var(sd, "image_aligner.layer.weight", code, d, 1, 1).reshape(code, d);
        return Ops.linear(normed, w, p.var(sd, "image_aligner.layer.bias", code));
    }
}
