package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DINO multi-head self-attention on token-major activations {@code [B·N, D]}: one fused qkv Linear (with bias),
 * heads folded into the batch for rank-3 matmuls, softmax(q·kᵀ/√d)·v, output projection. A LoRA pair on qkv,
 * when the weights hold one, adds {@code scale·B·A} to the qkv weight (peft's merged form: W + (α/r)·B·A); in train
 * mode with LoRA dropout ({@link TrainNoise}) the branch runs separately on the dropped-out input, as peft does.
 */
final class Attention {
    private Attention() {
    }

    static SDVariable apply(Params p, String prefix, SDVariable x, VitConfig c, int batch, int tokens) {
        SameDiff sd = x.getSameDiff();
        long d = c.embedDim();
        int heads = c.heads();
        int hd = c.headDim();
        SDVariable qkvWeight = p.var(sd, prefix + "qkv.weight", 3 * d, d);
        String loraA = prefix + "qkv.lora_A.default.weight";
        SDVariable qkv;
        double loraDropout = TrainNoise.of(sd).loraDropout();
        if (p.has(loraA)) {
            long r = p.shapeOf(loraA)[0];
            SDVariable a = p.var(sd, loraA, r, d);
            SDVariable b = p.var(sd, prefix + "qkv.lora_B.default.weight", 3 * d, r);
            SDVariable qkvBias = p.var(sd, prefix + "qkv.bias", 3 * d);
            if (loraDropout > 0) { // peft in train mode: x·Wᵀ + bias + (α/r)·(dropout(x)·Aᵀ)·Bᵀ
                SDVariable down = sd.mmul(TrainNoise.dropout(x, loraDropout, (long) batch * tokens, d), a, false, true, false);
                SDVariable branch = sd.mmul(down, b, false, true, false);
                qkv = Ops.linear(x, qkvWeight, qkvBias).add(branch.mul(c.loraScale()));
            } else {
                qkv = Ops.linear(x, qkvWeight.add(b.mmul(a).mul(c.loraScale())), qkvBias);
            }
        } else {
            qkv = Ops.linear(x, qkvWeight, p.var(sd, prefix + "qkv.bias", 3 * d));
        }
        SDVariable[] qkvHeads = sd.unstack(qkv.reshape(batch, tokens, 3, heads, hd).permute(2, 0, 3, 1, 4)
                .reshape(3, (long) batch * heads, tokens, hd), 0, 3);
        // DINO scales q·kᵀ by d^-½; scaling q instead is the same product (exactly so for d = 64: 1/8 is a power of 2) at a
        // 12th of the cost: [heads, N, d] instead of [heads, N, N] (13.6 ms of ViT-S/8's 511 ms in ops)
        SDVariable scores = sd.mmul(qkvHeads[0].mul(1.0 / Math.sqrt(hd)), qkvHeads[1], false, true, false);
        SDVariable out = sd.mmul(Ops.softmax(scores, 2), qkvHeads[2]);
        SDVariable merged = out.reshape(batch, heads, tokens, hd).permute(0, 2, 1, 3).reshape((long) batch * tokens, d);
        return Ops.linear(merged, p.var(sd, prefix + "proj.weight", d, d), p.var(sd, prefix + "proj.bias", d));
    }
}
