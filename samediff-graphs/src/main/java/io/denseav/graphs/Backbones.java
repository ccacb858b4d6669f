package io.denseav.graphs;

import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.util.Map;
import java.util.Set;

/**
 * Loading the backbones from the official files: the key map (a table in model-import) picks the layout,
 * the configuration is read from the weights (and an HF config.json when present), and the graph is built
 * with variables named after the keys.
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.open(Path.of("dino_deitsmall8_pretrain.pth"))) {
 *     VisionTransformer vit = Backbones.vit(ckpt, null, 1, 224, 224);
 * }
 * }</pre>
 */
public final class Backbones {
    private static final Map<Integer, Integer> HUBERT_HEADS = Map.of(768, 12, 1024, 16, 1280, 16);

    private Backbones() {
    }

    /** A DINO ViT from any DINO layout (plain, DenseAV/peft); {@code config} null = detect (eps 1e-6). */
    public static VisionTransformer vit(Checkpoint ckpt, VitConfig config, int batch, int height, int width) {
        KeyMap.Mapped m = KeyMap.DINO.apply(ckpt);
        VitConfig c = config != null ? config : vitConfig(m);
        return VisionTransformer.build(c, Params.from(m), batch, height, width);
    }

    /** HuBERT from the HF or torchaudio layout; {@code config} null = detect. */
    public static Hubert hubert(Checkpoint ckpt, HubertConfig config, int batch, int samples) {
        KeyMap.Mapped m = hubertKeys(ckpt);
        HubertConfig c = config != null ? config : hubertConfig(m);
        return Hubert.build(c, Params.from(m), batch, samples);
    }

    /** The HuBERT layout of a checkpoint: torchaudio's if its keys are there, else HF's. */
    public static KeyMap.Mapped hubertKeys(Checkpoint ckpt) {
        return (KeyMap.HUBERT_TORCHAUDIO.matches(ckpt) && !KeyMap.HUBERT_HF.matches(ckpt) ? KeyMap.HUBERT_TORCHAUDIO
                : KeyMap.HUBERT_HF).apply(ckpt);
    }

    /** Width and patch from patch_embed, depth from the blocks, heads from DINO's table. */
    public static VitConfig vitConfig(KeyMap.Mapped m) {
        Map<String, io.denseav.modelimport.Tensor> t = m.tensors();
        return VitConfig.fromWeights(t.get("patch_embed.proj.weight").shape(), count(t.keySet(), "blocks."),
                t.get("blocks.0.mlp.fc1.weight").shape());
    }

    /** As {@link #vitConfig(KeyMap.Mapped)} with the heads given (weights do not store them). */
    public static VitConfig vitConfig(KeyMap.Mapped m, int heads) {
        Map<String, io.denseav.modelimport.Tensor> t = m.tensors();
        long[] proj = t.get("patch_embed.proj.weight").shape();
        return new VitConfig((int) proj[0], count(t.keySet(), "blocks."), heads, (int) proj[2],
                (int) t.get("blocks.0.mlp.fc1.weight").shape()[0], VitConfig.DINO_EPS, 4.0);
    }

    /** HuBERT configuration from the weights, refined by an HF config.json next to the file when there is one. */
    public static HubertConfig hubertConfig(KeyMap.Mapped m) {
        return hubertConfig(m, 0);
    }

    /** As {@link #hubertConfig(KeyMap.Mapped)} with the attention heads given (0: config.json or the table). */
    public static HubertConfig hubertConfig(KeyMap.Mapped m, int givenHeads) {
        Map<String, io.denseav.modelimport.Tensor> t = m.tensors();
        int hidden = (int) t.get("feature_projection.projection.weight").shape()[0];
        int convDim = (int) t.get("feature_projection.projection.weight").shape()[1];
        int layers = count(t.keySet(), "encoder.layers.");
        int ffn = (int) t.get("encoder.layers.0.feed_forward.intermediate_dense.weight").shape()[0];
        long[] v = t.get("encoder.pos_conv_embed.conv.weight_v").shape();
        boolean layerNormExtractor = t.containsKey("feature_extractor.conv_layers.1.layer_norm.weight");
        boolean convBias = t.containsKey("feature_extractor.conv_layers.0.conv.bias");
        Map<String, Object> cfg = config(m.source());
        int heads = givenHeads > 0 ? givenHeads : number(cfg, "num_attention_heads", HUBERT_HEADS.getOrDefault(hidden, 0));
        if (heads == 0) throw new IllegalArgumentException("cannot tell the attention heads of a " + hidden + "-wide HuBERT");
        boolean stable = cfg.containsKey("do_stable_layer_norm") ? Boolean.TRUE.equals(cfg.get("do_stable_layer_norm"))
                : layerNormExtractor;
        double eps = cfg.get("layer_norm_eps") instanceof Number ? ((Number) cfg.get("layer_norm_eps")).doubleValue() : 1e-5;
        HubertConfig base = HubertConfig.large();
        return new HubertConfig(hidden, layers, heads, ffn, convDim, base.kernels(), base.strides(), convBias,
                layerNormExtractor, stable, (int) v[2], (int) (hidden / v[1]), 1e-5, eps);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Checkpoint ckpt) {
        Object c = ckpt.metadata().get("config.json");
        return c instanceof Map ? (Map<String, Object>) c : Map.of();
    }

    private static int number(Map<String, Object> cfg, String key, int fallback) {
        return cfg.get(key) instanceof Number ? ((Number) cfg.get(key)).intValue() : fallback;
    }

    static int count(Set<String> keys, String prefix) {
        return KeyMap.countIndexed(keys, prefix);
    }
}
