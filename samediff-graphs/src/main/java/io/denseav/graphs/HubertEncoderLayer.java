package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * One HuBERT encoder layer on {@code [B·T, H]}: self-attention with separate q/k/v projections (q scaled by
 * d^-½ after its bias, as HF does) and the GELU feed-forward; pre-LN ("stable", large) or post-LN (base).
 */
final class HubertEncoderLayer {
    private HubertEncoderLayer() {
    }

    /** In train mode ({@link TrainNoise}) with HF's hidden dropout after attention and feed-forward, and LayerDrop. */
    static SDVariable apply(Params p, String prefix, SDVariable x, HubertConfig c, int batch, int frames) {
        TrainNoise noise = TrainNoise.of(x.getSameDiff());
        long rows = (long) batch * frames;
        SDVariable in = x;
        if (c.stableLayerNorm()) {
            SDVariable a = attention(p, prefix + "attention.", norm(p, prefix + "layer_norm.", x, c), c, batch, frames);
            x = x.add(TrainNoise.dropout(a, noise.audioDropout(), rows, c.hidden()));
            x = x.add(feedForward(p, prefix + "feed_forward.", norm(p, prefix + "final_layer_norm.", x, c), c, rows));
        } else {
            SDVariable a = attention(p, prefix + "attention.", x, c, batch, frames);
            x = norm(p, prefix + "layer_norm.", x.add(TrainNoise.dropout(a, noise.audioDropout(), rows, c.hidden())), c);
            x = norm(p, prefix + "final_layer_norm.", x.add(feedForward(p, prefix + "feed_forward.", x, c, rows)), c);
        }
        return TrainNoise.layerDrop(in, x, noise.layerDrop());
    }

    static SDVariable attention(Params p, String prefix, SDVariable x, HubertConfig c, int batch, int frames) {
        SameDiff sd = x.getSameDiff();
        long h = c.hidden();
        int heads = c.heads();
        int hd = c.headDim();
        SDVariable q = proj(p, prefix + "q_proj.", x, h).mul(1.0 / Math.sqrt(hd));
        SDVariable k = proj(p, prefix + "k_proj.", x, h);
        SDVariable v = proj(p, prefix + "v_proj.", x, h);
        SDVariable scores = sd.mmul(split(q, batch, frames, heads, hd), split(k, batch, frames, heads, hd), false, true, false);
        SDVariable probs = TrainNoise.dropout(Ops.softmax(scores, 2), TrainNoise.of(sd).audioDropout(), (long) batch * heads, frames, frames);
        SDVariable out = sd.mmul(probs, split(v, batch, frames, heads, hd));
        SDVariable merged = out.reshape(batch, heads, frames, hd).permute(0, 2, 1, 3).reshape((long) batch * frames, h);
        return proj(p, prefix + "out_proj.", merged, h);
    }

    /** [B·T, H] → heads folded into the batch, [B·heads, T, d]. */
    private static SDVariable split(SDVariable x, int batch, int frames, int heads, int hd) {
        return x.reshape(batch, frames, heads, hd).permute(0, 2, 1, 3).reshape((long) batch * heads, frames, hd);
    }

    /** HF's feed-forward on {@code [rows, H]}, with its activation and output dropouts in train mode. */
    static SDVariable feedForward(Params p, String prefix, SDVariable x, HubertConfig c, long rows) {
        SameDiff sd = x.getSameDiff();
        double drop = TrainNoise.of(sd).audioDropout();
        long h = c.hidden();
        long f = c.ffn();
        SDVariable mid = Ops.gelu(Ops.linear(x, p.var(sd, prefix + "intermediate_dense.weight", f, h),
                p.var(sd, prefix + "intermediate_dense.bias", f)));
        mid = TrainNoise.dropout(mid, drop, rows, f);
        SDVariable out = Ops.linear(mid, p.var(sd, prefix + "output_dense.weight", h, f), p.var(sd, prefix + "output_dense.bias", h));
        return TrainNoise.dropout(out, drop, rows, h);
    }

    private static SDVariable proj(Params p, String prefix, SDVariable x, long h) {
        SameDiff sd = x.getSameDiff();
        return Ops.linear(x, p.var(sd, prefix + "weight", h, h), p.var(sd, prefix + "bias", h));
    }

    static SDVariable norm(Params p, String prefix, SDVariable x, HubertConfig c) {
        SameDiff sd = x.getSameDiff();
        long h = c.hidden();
        return Ops.layerNorm(x, 1, p.var(sd, prefix + "weight", h), p.var(sd, prefix + "bias", h), c.encoderEps());
    }
}
