package io.denseav.graphs;

import io.denseav.modelimport.KeyMap;
import java.util.Map;

/**
 * A DenseAV model's settings (denseav-reference.md §2-§3, §6): the backbones with DenseAV's epsilons, the shared
 * code width, K similarity heads, the audio aligner's attention heads, and whether LoRA and a learned audio CLS
 * are present. Read from {@code hyper_parameters} / {@code config.json} where stored, else from the keys.
 *
 * @param image        DINO configuration (LayerNorm eps 1e-4)
 * @param audio        HuBERT configuration (extractor eps 1e-5, encoder eps 1e-4)
 * @param codeDim      aligned feature width (384)
 * @param heads        K, the similarity heads (sim_agg_heads): channels split into K contiguous blocks
 * @param alignerHeads attention heads of the audio aligner's transformer block (code/64 = 6)
 * @param lora         LoRA present on the DINO qkv
 * @param audioCls     a learned audio CLS token is present
 * @param headAgg      head aggregation of the loss score: max_elementwise, sum or max
 */
public record DenseAvConfig(VitConfig image, HubertConfig audio, int codeDim, int heads, int alignerHeads,
                            boolean lora, boolean audioCls, String headAgg) {

    /** Detects the configuration of a DenseAV checkpoint from its hyper-parameters and keys. */
    public static DenseAvConfig detect(KeyMap.Mapped dino, KeyMap.Mapped hubert, KeyMap.Mapped headKeys,
                                       Map<String, Object> hparams) {
        int code = (int) headKeys.tensors().get("image_aligner.layer.weight").shape()[0];
        int k = intOf(hparams, "sim_agg_heads", 1);
        if (k < 1 || code % k != 0) throw new IllegalArgumentException("sim_agg_heads " + k + " does not divide code_dim " + code);
        // heads are not stored in weights: DINO's and HuBERT's tables cover the released sizes; small test models
        // carry them in their hyper-parameters (tiny_image.heads, tiny_audio.num_attention_heads, tiny_aligner.num_heads)
        VitConfig image = withDefaultHeads(dino, intOf(nested(hparams, "tiny_image"), "heads", 0));
        HubertConfig audio = hubertWithHeads(hubert, intOf(nested(hparams, "tiny_audio"), "num_attention_heads", 0));
        int alignerHeads = intOf(nested(hparams, "tiny_aligner"), "num_heads", code % 64 == 0 ? code / 64 : 0);
        if (alignerHeads == 0) throw new IllegalArgumentException("cannot tell the audio aligner's heads for code_dim " + code);
        boolean lora = dino.tensors().keySet().stream().anyMatch(n -> n.contains(".lora_A."));
        String agg = String.valueOf(hparams.getOrDefault("head_agg", "max_elementwise"));
        return new DenseAvConfig(image.withEps(VitConfig.DENSEAV_EPS),
                audio.withEps(audio.extractorEps(), HubertConfig.DENSEAV_ENCODER_EPS), code, k, alignerHeads, lora,
                headKeys.tensors().containsKey("audio_cls"), agg);
    }

    private static VitConfig withDefaultHeads(KeyMap.Mapped dino, int heads) {
        return heads > 0 ? Backbones.vitConfig(dino, heads) : Backbones.vitConfig(dino);
    }

    private static HubertConfig hubertWithHeads(KeyMap.Mapped hubert, int heads) {
        return Backbones.hubertConfig(hubert, Math.max(heads, 0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    static int intOf(Map<String, Object> m, String key, int fallback) {
        Object v = m.get(key);
        return v instanceof Number ? ((Number) v).intValue() : fallback;
    }

    /** The same model with {@code k} similarity heads (k must divide the code width). */
    public DenseAvConfig withHeads(int k) {
        if (k < 1 || codeDim % k != 0) throw new IllegalArgumentException(k + " heads do not divide code_dim " + codeDim);
        return new DenseAvConfig(image, audio, codeDim, k, alignerHeads, lora, audioCls, headAgg);
    }

    /** Width of one head's channel block. */
    public int headDim() {
        return codeDim / heads;
    }

    /** Audio-aligner frames for {@code hubertFrames}: two (1,3)/3 convolutions, ⌊(⌊(T−3)/3⌋+1−3)/3⌋+1. */
    public static int alignedFrames(int hubertFrames) {
        int t = (hubertFrames - 3) / 3 + 1;
        return (t - 3) / 3 + 1;
    }
}
