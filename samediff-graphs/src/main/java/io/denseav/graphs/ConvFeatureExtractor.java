package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * HuBERT's conv feature encoder, seven strided Conv1d layers, each written as im2col (one strided slice per
 * tap) plus one GEMM in time-major layout: faster than conv1d on this CPU (samediff-speed.md §3.4), identical
 * output, and plainly differentiable. Then LayerNorm over channels (large) or GroupNorm on the first layer (base),
 * and exact GELU.
 *
 * <p>Long clips in layer-norm mode are built in time chunks that run one after another, so the full-length
 * intermediates of the first layers (32,839 × 512 floats, 67 MB each, on a 10 s clip) never exist at once.
 */
final class ConvFeatureExtractor {
    /** Most first-layer frames per chunk: larger extractors are chunked (a 32,000-sample clip has 6,399). */
    static final int MAX_CHUNK_FRAMES = 8192;

    private ConvFeatureExtractor() {
    }

    /** {@code waveform [B, L]} → features {@code [B, T, convDim]}. */
    static SDVariable apply(Params p, SDVariable waveform, HubertConfig c, int batch, int samples) {
        return apply(p, waveform, c, batch, samples, MAX_CHUNK_FRAMES);
    }

    /** As above, chunked when layer-norm mode would give the first layer more than {@code maxChunkFrames} frames. */
    static SDVariable apply(Params p, SDVariable waveform, HubertConfig c, int batch, int samples, int maxChunkFrames) {
        SameDiff sd = waveform.getSameDiff();
        Layer[] layers = layers(p, sd, c);
        int[] k = c.kernels();
        int[] s = c.strides();
        // GroupNorm (base) normalises layer 0 over all of time, so only the per-frame LayerNorm mode may be split
        if (!c.layerNormExtractor() || (samples - k[0]) / s[0] + 1 <= maxChunkFrames) {
            return stack(layers, waveform.reshape(batch, samples, 1), c, batch, samples);
        }
        // Every op is per frame, so output frames [a, b) depend only on samples [stride·a, stride·(b − 1) + field):
        // each chunk computes exactly the frames of the unchunked graph.
        int stride = 1;
        int field = 1;
        for (int i = k.length - 1; i >= 0; i--) {
            field = (field - 1) * s[i] + k[i];
            stride *= s[i];
        }
        int frames = c.frames(samples);
        int most = 1; // frames per chunk whose first layer fits in maxChunkFrames
        while (most < frames && (stride * most + field - k[0]) / s[0] + 1 <= maxChunkFrames) most++;
        int chunks = (frames + most - 1) / most;
        int per = (frames + chunks - 1) / chunks;
        int len = stride * (per - 1) + field;
        SDVariable[] parts = new SDVariable[chunks];
        for (int j = 0; j < chunks; j++) {
            // equal chunks reuse one set of cached buffers: the last one starts early and drops the frames it repeats
            int a = Math.min(j * per, frames - per);
            SDVariable wave = waveform.get(SDIndex.all(), SDIndex.interval(stride * a, stride * a + len));
            // run the chunks in order: without this the FIFO scheduler advances them in lockstep, all alive at once
            if (j > 0) wave.addControlDependency(parts[j - 1]);
            parts[j] = stack(layers, wave.reshape(batch, len, 1), c, batch, len);
            if (a < j * per) parts[j] = parts[j].get(SDIndex.all(), SDIndex.interval(j * per - a, per), SDIndex.all());
        }
        return sd.concat(1, parts);
    }

    /** One conv layer's weights in GEMM form, shared by all chunks. */
    private record Layer(SDVariable weight, SDVariable bias, SDVariable gain, SDVariable shift) {
    }

    private static Layer[] layers(Params p, SameDiff sd, HubertConfig c) {
        Layer[] layers = new Layer[c.kernels().length];
        long dim = c.convDim();
        long in = 1;
        for (int i = 0; i < layers.length; i++) {
            int k = c.kernels()[i];
            String prefix = "feature_extractor.conv_layers." + i + ".";
            // torch weight [out, in, k] → tap-major [out, k·in] to match the column order
            SDVariable w = p.var(sd, prefix + "conv.weight", dim, in, k).permute(0, 2, 1).reshape(dim, k * in);
            SDVariable b = c.convBias() ? p.var(sd, prefix + "conv.bias", dim) : null;
            boolean norm = c.layerNormExtractor() || i == 0;
            layers[i] = new Layer(w, b, norm ? p.var(sd, prefix + "layer_norm.weight", dim) : null,
                    norm ? p.var(sd, prefix + "layer_norm.bias", dim) : null);
            in = dim;
        }
        return layers;
    }

    /** The seven layers on {@code x [B, samples, 1]} → {@code [B, T, convDim]}. */
    private static SDVariable stack(Layer[] layers, SDVariable x, HubertConfig c, int batch, int samples) {
        SameDiff sd = x.getSameDiff();
        int t = samples;
        long in = 1;
        long dim = c.convDim();
        for (int i = 0; i < layers.length; i++) {
            int k = c.kernels()[i];
            int s = c.strides()[i];
            int out = (t - k) / s + 1;
            SDVariable[] taps = new SDVariable[k];
            for (int j = 0; j < k; j++) {
                taps[j] = x.get(SDIndex.all(), SDIndex.interval(j, s, j + s * (out - 1) + 1), SDIndex.all());
            }
            SDVariable cols = (k == 1 ? taps[0] : sd.concat(2, taps)).reshape((long) batch * out, k * in);
            Layer l = layers[i];
            SDVariable y = Ops.linear(cols, l.weight(), l.bias());
            if (c.layerNormExtractor()) {
                y = Ops.layerNorm(y, 1, l.gain(), l.shift(), c.extractorEps()).reshape(batch, out, dim);
            } else {
                y = y.reshape(batch, out, dim);
                if (i == 0) { // GroupNorm(num_groups = channels): each channel normalised over time
                    y = Ops.layerNorm(y, 1, l.gain(), l.shift(), c.extractorEps());
                }
            }
            x = Ops.gelu(y);
            t = out;
            in = dim;
        }
        return x;
    }
}
