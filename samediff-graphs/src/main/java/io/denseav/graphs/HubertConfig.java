package io.denseav.graphs;

/**
 * HuBERT hyper-parameters (HF transformers HubertConfig / torchaudio hubert_base, hubert_large).
 *
 * @param hidden             encoder width (768 base, 1024 large)
 * @param layers             encoder layers (12 / 24)
 * @param heads              attention heads (12 / 16)
 * @param ffn                feed-forward width (3072 / 4096)
 * @param convDim            channels of the 7 conv layers (512)
 * @param kernels            conv kernels (10, 3, 3, 3, 3, 2, 2)
 * @param strides            conv strides (5, 2, 2, 2, 2, 2, 2): 320 samples per frame
 * @param convBias           conv layers have a bias (large)
 * @param layerNormExtractor "layer" extractor (LN after every conv, large) vs "group" (GroupNorm on conv 0, base)
 * @param stableLayerNorm    pre-LN encoder with a final LayerNorm (large) vs post-LN (base)
 * @param posConvKernel      positional conv kernel (128)
 * @param posConvGroups      positional conv groups (16)
 * @param extractorEps       eps of the conv-extractor norms (1e-5; DenseAV keeps it)
 * @param encoderEps         eps of the feature-projection and encoder LayerNorms (1e-5; DenseAV sets 1e-4)
 */
public record HubertConfig(int hidden, int layers, int heads, int ffn, int convDim, int[] kernels, int[] strides,
                           boolean convBias, boolean layerNormExtractor, boolean stableLayerNorm, int posConvKernel,
                           int posConvGroups, double extractorEps, double encoderEps) {

    private static final int[] KERNELS = {10, 3, 3, 3, 3, 2, 2};
    private static final int[] STRIDES = {5, 2, 2, 2, 2, 2, 2};
    /** DenseAV's HuBERT config change: layer_norm_eps = 1e-4 (denseav-reference.md §1.2). */
    public static final double DENSEAV_ENCODER_EPS = 1e-4;

    /** facebook/hubert-large-ls960-ft (and -ll60k): layer-norm extractor with conv bias, stable-LN encoder. */
    public static HubertConfig large() {
        return new HubertConfig(1024, 24, 16, 4096, 512, KERNELS, STRIDES, true, true, true, 128, 16, 1e-5, 1e-5);
    }

    /** facebook/hubert-base-ls960: group-norm extractor without conv bias, post-LN encoder. */
    public static HubertConfig base() {
        return new HubertConfig(768, 12, 12, 3072, 512, KERNELS, STRIDES, false, false, false, 128, 16, 1e-5, 1e-5);
    }

    /** By name: hubert-large, hubert-base. */
    public static HubertConfig named(String name) {
        switch (name) {
            case "hubert-large": return large();
            case "hubert-base": return base();
            default: throw new IllegalArgumentException("unknown HuBERT '" + name + "' (hubert-large, hubert-base)");
        }
    }

    public HubertConfig withEps(double extractor, double encoder) {
        return new HubertConfig(hidden, layers, heads, ffn, convDim, kernels, strides, convBias, layerNormExtractor,
                stableLayerNorm, posConvKernel, posConvGroups, extractor, encoder);
    }

    /** Output frames for {@code samples} input samples: L ← ⌊(L − k)/s⌋ + 1 over the conv layers. */
    public int frames(int samples) {
        int t = samples;
        for (int i = 0; i < kernels.length; i++) t = (t - kernels[i]) / strides[i] + 1;
        return t;
    }

    public int headDim() {
        return hidden / heads;
    }
}
