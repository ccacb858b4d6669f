package io.denseav.modelimport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which model a checkpoint holds, told from its key names and shapes (and Lightning hyper-parameters or an HF
 * config.json where present): DINO ViT-S/8, S/16, B/8, B/16; HuBERT base or large in the HF or torchaudio
 * layout; or DenseAV sound, language or sound_and_language with K heads, LoRA and audio_cls present or not.
 *
 * @param id          a stable identifier such as {@code dino-vits8}, {@code hubert-large-hf}, {@code denseav}
 * @param description one human-readable line
 * @param details     the facts behind it (dimensions, prefix, heads, ...)
 */
public record ModelFamily(String id, String description, Map<String, Object> details) {

    /** Key prefixes under which a backbone may sit, tried in order. */
    private static final List<String> VIT_PREFIXES = List.of("", "module.", "backbone.", "teacher.backbone.",
            "student.backbone.", "model.", "image_model.base_model.model.model.", "image_model.model.");
    private static final List<String> HUBERT_PREFIXES = List.of("", "hubert.", "model.", "audio_model.model.",
            "wav2vec2.");
    /** DenseAV image-backbone prefixes: peft 0.5 LoRA wrapping, or a bare featurizer. */
    private static final List<String> DENSEAV_IMAGE_PREFIXES = List.of("image_model.base_model.model.model.",
            "image_model.model.");
    /** DINO's named configurations by embedding width. */
    private static final Map<Long, String> VIT_SIZES = Map.of(192L, "Ti", 384L, "S", 768L, "B", 1024L, "L");
    private static final Map<Long, Long> VIT_HEADS = Map.of(192L, 3L, 384L, 6L, 768L, 12L, 1024L, 16L);

    public static ModelFamily detect(Checkpoint ckpt) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        ckpt.tensors().forEach((k, t) -> shapes.put(k, t.shape()));
        return detect(shapes, ckpt.metadata(), ckpt.path() == null ? "" : ckpt.path().getFileName().toString());
    }

    /** Detection from key → shape alone (plus optional metadata and file name for the DenseAV variant). */
    public static ModelFamily detect(Map<String, long[]> shapes, Map<String, Object> metadata, String fileName) {
        if (shapes.keySet().stream().anyMatch(k -> k.startsWith("audio_aligner.") || k.startsWith("image_aligner."))) {
            return denseav(shapes, metadata, fileName);
        }
        ModelFamily f = vit(shapes, VIT_PREFIXES);
        if (f != null) return f;
        f = hubertHf(shapes, HUBERT_PREFIXES);
        if (f != null) return f;
        f = hubertTorchaudio(shapes);
        if (f != null) return f;
        return new ModelFamily("unknown", "unknown (no known key layout)", Map.of());
    }

    /** facebookresearch/dino VisionTransformer keys: patch_embed.proj, pos_embed, blocks.N.attn.qkv. */
    static ModelFamily vit(Map<String, long[]> shapes, List<String> prefixes) {
        for (String p : prefixes) {
            long[] proj = shapes.get(p + "patch_embed.proj.weight");
            if (proj == null || proj.length != 4 || !shapes.containsKey(p + "pos_embed")) continue;
            long dim = proj[0];
            long patch = proj[2];
            int depth = count(shapes, p + "blocks.");
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("prefix", p);
            d.put("embed_dim", dim);
            d.put("depth", depth);
            d.put("patch_size", patch);
            if (VIT_HEADS.containsKey(dim)) d.put("heads", VIT_HEADS.get(dim));
            long[] pos = shapes.get(p + "pos_embed");
            if (pos.length == 3) d.put("pos_grid", (long) Math.round(Math.sqrt(pos[1] - 1)));
            String size = VIT_SIZES.get(dim);
            boolean standard = size != null && depth == 12 && (patch == 8 || patch == 16);
            String name = standard ? "DINO ViT-" + size + "/" + patch
                    : "DINO-layout ViT (dim " + dim + ", depth " + depth + ", patch " + patch + ")";
            String id = standard ? "dino-vit" + size.toLowerCase(Locale.ROOT) + patch : "dino-vit";
            return new ModelFamily(id, name, d);
        }
        return null;
    }

    /** HF transformers HubertModel keys: feature_extractor, feature_projection, encoder.layers.N. */
    static ModelFamily hubertHf(Map<String, long[]> shapes, List<String> prefixes) {
        for (String p : prefixes) {
            long[] proj = shapes.get(p + "feature_projection.projection.weight");
            if (proj == null || !shapes.containsKey(p + "feature_extractor.conv_layers.0.conv.weight")) continue;
            return hubert(shapes, p, proj[0], count(shapes, p + "encoder.layers."),
                    shapes.containsKey(p + "feature_extractor.conv_layers.1.layer_norm.weight"), "HF");
        }
        return null;
    }

    /** torchaudio wav2vec2_model keys: encoder.feature_projection, encoder.transformer.layers.N. */
    static ModelFamily hubertTorchaudio(Map<String, long[]> shapes) {
        long[] proj = shapes.get("encoder.feature_projection.projection.weight");
        if (proj == null || !shapes.containsKey("feature_extractor.conv_layers.0.conv.weight")) return null;
        return hubert(shapes, "", proj[0], count(shapes, "encoder.transformer.layers."),
                shapes.containsKey("feature_extractor.conv_layers.1.layer_norm.weight"), "torchaudio");
    }

    private static ModelFamily hubert(Map<String, long[]> shapes, String prefix, long dim, int layers,
                                      boolean layerNormExtractor, String layout) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("layout", layout);
        d.put("prefix", prefix);
        d.put("hidden_size", dim);
        d.put("layers", layers);
        d.put("feat_extract_norm", layerNormExtractor ? "layer" : "group");
        if (shapes.containsKey("lm_head.weight")) d.put("ctc_head", true);
        String size = dim == 1024 && layers == 24 && layerNormExtractor ? "large"
                : dim == 768 && layers == 12 && !layerNormExtractor ? "base" : null;
        String name = size != null ? "HuBERT-" + (size.equals("large") ? "Large" : "Base") + " (" + layout + " layout)"
                : "HuBERT-layout encoder (" + layout + ", dim " + dim + ", " + layers + " layers, "
                + (layerNormExtractor ? "layer" : "group") + "-norm extractor)";
        String id = "hubert-" + (size != null ? size : "custom") + "-" + layout.toLowerCase(Locale.ROOT);
        return new ModelFamily(id, name, d);
    }

    /** DenseAV: aligners + both backbones; K and the variant come from hyper-parameters when stored. */
    private static ModelFamily denseav(Map<String, long[]> shapes, Map<String, Object> metadata, String fileName) {
        Map<String, Object> d = new LinkedHashMap<>();
        boolean lora = shapes.keySet().stream().anyMatch(k -> k.contains(".lora_A."));
        boolean audioCls = shapes.containsKey("audio_cls");
        Map<String, Object> hp = hyperParameters(metadata);
        Object heads = hp.get("sim_agg_heads");
        Long k = heads instanceof Number ? ((Number) heads).longValue() : null;
        d.put("heads", k == null ? "unknown (no sim_agg_heads stored)" : k);
        d.put("lora", lora);
        d.put("audio_cls", audioCls);
        ModelFamily image = vit(shapes, DENSEAV_IMAGE_PREFIXES);
        ModelFamily audio = hubertHf(shapes, List.of("audio_model.model."));
        if (image != null) d.put("image_backbone", image.description());
        if (audio != null) d.put("audio_backbone", audio.description());
        String variant;
        String source;
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (k != null && k == 2) {
            variant = "sound_and_language";
            source = "sim_agg_heads";
        } else if (lower.contains("2head") || lower.contains("sound-language") || lower.contains("sound_and_language")) {
            variant = "sound_and_language";
            source = "file name";
        } else if (lower.contains("language")) {
            variant = "language";
            source = "file name";
        } else if (lower.contains("sound")) {
            variant = "sound";
            source = "file name";
        } else {
            String ds = String.valueOf(hp.getOrDefault("dataset_name", ""));
            variant = ds.contains("places") ? "language" : ds.contains("audioset") ? "sound" : "unknown";
            source = variant.equals("unknown") ? "undetermined" : "dataset_name";
        }
        d.put("variant", variant);
        d.put("variant_from", source);
        String desc = "DenseAV " + variant + ": K=" + (k == null ? "?" : k) + " head" + (k != null && k == 1 ? "" : "s")
                + ", LoRA " + (lora ? "present" : "absent") + ", audio_cls " + (audioCls ? "present" : "absent");
        return new ModelFamily("denseav", desc, d);
    }

    /** Lightning's {@code hyper_parameters}, or an HF {@code config.json}; empty if neither is stored. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> hyperParameters(Map<String, Object> metadata) {
        for (String key : List.of("hyper_parameters", "config.json")) {
            Object v = metadata.get(key);
            if (v instanceof Map) return (Map<String, Object>) v;
        }
        return Map.of();
    }

    private static int count(Map<String, long[]> shapes, String prefix) {
        return KeyMap.countIndexed(shapes.keySet(), prefix);
    }
}
