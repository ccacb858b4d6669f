package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * HuBERT's positional conv embedding: a grouped Conv1d (kernel 128, 16 groups, padding 64) with weight norm
 * w = g·v/‖v‖ (norm over all dims but the kernel axis, torch's weight_norm(dim=2)), the last frame dropped for
 * an even kernel ("same" padding), then GELU.
 */
final class PositionalConvEmbedding {
    private PositionalConvEmbedding() {
    }

    /** {@code x [B, T, H]} → the positional term {@code [B, T, H]} (to be added to x). */
    static SDVariable apply(Params p, SDVariable x, HubertConfig c, int batch, int frames) {
        SameDiff sd = x.getSameDiff();
        String prefix = "encoder.pos_conv_embed.conv.";
        long h = c.hidden();
        int groups = c.posConvGroups();
        long per = h / groups;
        int k = c.posConvKernel();
        SDVariable g = p.var(sd, prefix + "weight_g", 1, 1, k);
        SDVariable v = p.var(sd, prefix + "weight_v", h, per, k);
        SDVariable y = Ops.groupedConv1d(x, Ops.weightNorm(g, v), groups, h, k, k / 2);
        if (k % 2 == 0) y = y.get(SDIndex.all(), SDIndex.interval(0, frames), SDIndex.all());
        return Ops.gelu(y.add(p.var(sd, prefix + "bias", h)));
    }
}
