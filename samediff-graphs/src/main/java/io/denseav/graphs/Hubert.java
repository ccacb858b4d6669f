package io.denseav.graphs;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HuBERT (HF transformers HubertModel; torchaudio's wav2vec2_model with the same settings) as a SameDiff graph:
 * conv feature encoder → feature projection (LN, Linear) → positional conv → encoder layers → last_hidden_state.
 * Variables are named after the HF keys. Built for one batch size and clip length.
 *
 * <pre>{@code
 * Hubert hubert = Hubert.build(HubertConfig.large(), params, 1, 164_200);
 * INDArray hidden = hubert.forward(waveform);   // [1, 512, 1024]
 * }</pre>
 */
public final class Hubert {
    public static final String INPUT = "waveform";
    /** The encoder output after its final LayerNorm (large) or last layer (base), [B, T, H]. */
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    /** The conv feature encoder output, [B, T, convDim]. */
    public static final String FEATURES = "extract_features";
    /** Train mode's SpecAugment input, {@code [B, T]} 0/1 ({@link SpecAugment}); present when the time-mask p > 0. */
    public static final String TIME_MASK = "time_mask";

    private final SameDiff sd;
    private final HubertConfig config;
    private final int samples;

    private Hubert(SameDiff sd, HubertConfig config, int samples) {
        this.sd = sd;
        this.config = config;
        this.samples = samples;
    }

    public static Hubert build(HubertConfig c, Params p, int batch, int samples) {
        SameDiff sd = Graphs.create();
        SDVariable wave = sd.placeHolder(INPUT, p.dtype(), batch, samples);
        addTo(sd, wave, c, p, batch, samples, "");
        p.verify();
        return new Hubert(sd, c, samples);
    }

    /** Adds HuBERT to an existing graph; returns last_hidden_state as [B·T, H]. Names get {@code scope}. */
    public static SDVariable addTo(SameDiff sd, SDVariable wave, HubertConfig c, Params p, int batch, int samples,
                                   String scope) {
        int frames = c.frames(samples);
        if (frames < 1) throw new IllegalArgumentException(samples + " samples are too few for one HuBERT frame");
        long h = c.hidden();
        long dim = c.convDim();
        SDVariable features = ConvFeatureExtractor.apply(p, wave, c, batch, samples);
        sd.identity(scope + FEATURES, features);
        SDVariable f2 = features.reshape((long) batch * frames, dim);
        f2 = Ops.layerNorm(f2, 1, p.var(sd, "feature_projection.layer_norm.weight", dim),
                p.var(sd, "feature_projection.layer_norm.bias", dim), c.encoderEps());
        SDVariable x = Ops.linear(f2, p.var(sd, "feature_projection.projection.weight", h, dim),
                p.var(sd, "feature_projection.projection.bias", h));
        TrainNoise noise = TrainNoise.of(sd);
        long rows = (long) batch * frames;
        x = TrainNoise.dropout(x, noise.audioDropout(), rows, h); // feat_proj_dropout
        if (noise.timeMaskProb() > 0) { // HF _mask_hidden_states: masked frames become masked_spec_embed
            SDVariable m = sd.placeHolder(scope + TIME_MASK, x.dataType(), batch, frames).reshape(rows, 1);
            // HF initialises it uniform in [0, 1)
            SDVariable embed = p.trainOnlyVar(sd, "masked_spec_embed", () -> org.nd4j.linalg.factory.Nd4j.rand(p.dtype(), h));
            x = x.mul(m.rsub(1.0)).add(m.mul(embed));
        }
        SDVariable pos = PositionalConvEmbedding.apply(p, x.reshape(batch, frames, h), c, batch, frames);
        x = x.add(pos.reshape(rows, h));
        if (!c.stableLayerNorm()) x = HubertEncoderLayer.norm(p, "encoder.layer_norm.", x, c);
        x = TrainNoise.dropout(x, noise.audioDropout(), rows, h);
        for (int i = 0; i < c.layers(); i++) {
            x = HubertEncoderLayer.apply(p, "encoder.layers." + i + ".", x, c, batch, frames);
        }
        if (c.stableLayerNorm()) x = HubertEncoderLayer.norm(p, "encoder.layer_norm.", x, c);
        sd.identity(scope + LAST_HIDDEN_STATE, x.reshape(batch, frames, h));
        return x;
    }

    /** Runs the graph on {@code waveform [B, L]}; returns last_hidden_state [B, T, H]. */
    public INDArray forward(INDArray waveform) {
        return sd.output(Map.of(INPUT, waveform), LAST_HIDDEN_STATE).get(LAST_HIDDEN_STATE);
    }

    public Map<String, INDArray> forward(INDArray waveform, String... outputs) {
        return sd.output(Map.of(INPUT, waveform), outputs);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public HubertConfig config() {
        return config;
    }

    public int samples() {
        return samples;
    }
}
