package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DenseAV's audio aligner {@code audio_sa_3_3_pool_2} (denseav-reference.md §2.2): ChannelNorm(Ca) on the map and
 * the CLS → Conv(1,3)/3 Ca→code (CLS through cls_layer) → Conv(1,3)/3 code→code → one pre-LN transformer block
 * with the CLS prepended as token 0 and dropped after. The strided convolutions are time pooling written as
 * reshape + GEMM (no padding; remainder frames dropped, as the conv does).
 */
final class AudioAligner {
    private static final String P = "audio_aligner.mod_list.";

    private AudioAligner() {
    }

    /** {@code hidden [B·T, Ca]} → aligned {@code [B, T_a, code]}. */
    static SDVariable apply(Params p, SDVariable hidden, DenseAvConfig c, int batch, int frames) {
        SameDiff sd = hidden.getSameDiff();
        long ca = c.audio().hidden();
        long code = c.codeDim();
        SDVariable g = p.var(sd, P + "1.norm.weight", ca);
        SDVariable b = p.var(sd, P + "1.norm.bias", ca);
        SDVariable x = Ops.layerNorm(hidden, 1, g, b, ImageAligner.EPS);
        int t1 = (frames - 3) / 3 + 1;
        x = timePool(p, P + "2.layer.", x, batch, frames, ca, code);
        int t2 = (t1 - 3) / 3 + 1;
        x = timePool(p, P + "3.layer.", x, batch, t1, code, code).reshape(batch, t2, code);
        SDVariable cls = null;
        if (c.audioCls()) {
            SDVariable normedCls = Ops.layerNorm(p.var(sd, "audio_cls", ca).reshape(1, ca), 1, g, b, ImageAligner.EPS);
            cls = Ops.linear(normedCls, p.var(sd, P + "2.cls_layer.weight", code, ca), p.var(sd, P + "2.cls_layer.bias", code));
            x = sd.concat(1, sd.tile(cls.reshape(1, 1, code), batch, 1, 1), x);
        }
        int tokens = t2 + (cls == null ? 0 : 1);
        VitConfig block = new VitConfig((int) code, 1, c.alignerHeads(), 1, 4 * (int) code, ImageAligner.EPS, 0);
        SDVariable y = Block.apply(p, P + "4.block.", x.reshape((long) batch * tokens, code), block, batch, tokens)
                .reshape(batch, tokens, code);
        return cls == null ? y : y.get(SDIndex.all(), SDIndex.interval(1, tokens), SDIndex.all());
    }

    /** Conv2d(cin→cout, kernel (1,3), stride (1,3)) on {@code [B·T, cin]}: frames 3t..3t+2 → one GEMM. */
    private static SDVariable timePool(Params p, String prefix, SDVariable x, int batch, int frames, long cin, long cout) {
        SameDiff sd = x.getSameDiff();
        int out = (frames - 3) / 3 + 1;
        SDVariable cols = x.reshape(batch, frames, cin).get(SDIndex.all(), SDIndex.interval(0, 3 * out), SDIndex.all())
                .reshape((long) batch * out, 3 * cin);
        // torch weight [out, in, 1, 3] → tap-major [out, 3·in] to match the column order
        SDVariable w = p.var(sd, prefix + "weight", cout, cin, 1, 3).reshape(cout, cin, 3).permute(0, 2, 1).reshape(cout, 3 * cin);
        return Ops.linear(cols, w, p.var(sd, prefix + "bias", cout));
    }
}
