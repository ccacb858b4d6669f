package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * HuBERT's conv feature encoder, seven strided Conv1d layers, each written as im2col (one strided slice per
 * tap) plus one GEMM in time-major layout: faster than conv1d on this CPU (samediff-speed.md §3.4), identical
 * output, and plainly differentiable. Then LayerNorm over channels (large) or GroupNorm on the first layer (base),
 * and exact GELU.
 */
final class ConvFeatureExtractor {
    private ConvFeatureExtractor() {
    }

    /** {@code waveform [B, L]} → features {@code [B, T, convDim]}. */
    static SDVariable apply(Params p, SDVariable waveform, HubertConfig c, int batch, int samples) {
        SameDiff sd = waveform.getSameDiff();
        SDVariable x = waveform.reshape(batch, samples, 1);
        int t = samples;
        long in = 1;
        for (int i = 0; i < c.kernels().length; i++) {
            int k = c.kernels()[i];
            int s = c.strides()[i];
            int out = (t - k) / s + 1;
            SDVariable[] taps = new SDVariable[k];
            for (int j = 0; j < k; j++) {
                taps[j] = x.get(SDIndex.all(), SDIndex.interval(j, s, j + s * (out - 1) + 1), SDIndex.all());
            }
            SDVariable cols = (k == 1 ? taps[0] : sd.concat(2, taps)).reshape((long) batch * out, k * in);
            String prefix = "feature_extractor.conv_layers." + i + ".";
            long dim = c.convDim();
            // torch weight [out, in, k] → tap-major [out, k·in] to match the column order
            SDVariable w = p.var(sd, prefix + "conv.weight", dim, in, k).permute(0, 2, 1).reshape(dim, k * in);
            SDVariable y = Ops.linear(cols, w, c.convBias() ? p.var(sd, prefix + "conv.bias", dim) : null);
            if (c.layerNormExtractor()) {
                y = Ops.layerNorm(y, 1, p.var(sd, prefix + "layer_norm.weight", dim), p.var(sd, prefix + "layer_norm.bias", dim),
                        c.extractorEps());
                y = y.reshape(batch, out, dim);
            } else {
                y = y.reshape(batch, out, dim);
                if (i == 0) { // GroupNorm(num_groups = channels): each channel normalised over time
                    y = Ops.layerNorm(y, 1, p.var(sd, prefix + "layer_norm.weight", dim),
                            p.var(sd, prefix + "layer_norm.bias", dim), c.extractorEps());
                }
            }
            x = Ops.gelu(y);
            t = out;
            in = dim;
        }
        return x;
    }
}
