package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** DINO's pre-LN transformer Block: x + Attn(LN₁(x)), then x + Mlp(LN₂(x)), with an exact-GELU MLP. */
final class Block {
    private Block() {
    }

    static SDVariable apply(Params p, String prefix, SDVariable x, VitConfig c, int batch, int tokens) {
        SameDiff sd = x.getSameDiff();
        long d = c.embedDim();
        SDVariable h = norm(p, prefix + "norm1.", x, c);
        x = x.add(Attention.apply(p, prefix + "attn.", h, c, batch, tokens));
        h = norm(p, prefix + "norm2.", x, c);
        return x.add(mlp(p, prefix + "mlp.", h, d, c.mlpHidden()));
    }

    /** DINO's Mlp: fc1 → GELU → fc2. */
    static SDVariable mlp(Params p, String prefix, SDVariable x, long d, long hidden) {
        SameDiff sd = x.getSameDiff();
        SDVariable h = Ops.gelu(Ops.linear(x, p.var(sd, prefix + "fc1.weight", hidden, d), p.var(sd, prefix + "fc1.bias", hidden)));
        return Ops.linear(h, p.var(sd, prefix + "fc2.weight", d, hidden), p.var(sd, prefix + "fc2.bias", d));
    }

    static SDVariable norm(Params p, String prefix, SDVariable x, VitConfig c) {
        SameDiff sd = x.getSameDiff();
        long d = c.embedDim();
        return Ops.layerNorm(x, 1, p.var(sd, prefix + "weight", d), p.var(sd, prefix + "bias", d), c.eps());
    }
}
