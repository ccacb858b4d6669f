package io.denseav.modelimport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint layout as tables: where the model sits (prefixes), how its keys become the canonical parameter
 * names the graphs use (renames, including newer-library aliases), and which keys are known but unused.
 * A new layout is one new table.
 *
 * @param name     the layout, for messages
 * @param marker   a canonical key that every checkpoint of this layout has
 * @param prefixes where the model may sit inside a checkpoint, tried in order
 * @param renames  regex → replacement, applied in order to the key with the prefix removed
 * @param ignored  canonical keys (regex) that exist in such files but no graph uses
 */
public record KeyMap(String name, String marker, List<String> prefixes, List<Rename> renames, List<Pattern> ignored) {

    /** One rename rule: a regex over the whole key and its replacement ($1 ...). */
    public record Rename(Pattern from, String to) {
        static Rename of(String from, String to) {
            return new Rename(Pattern.compile(from), to);
        }
    }

    /** facebookresearch/dino VisionTransformer; also inside DenseAV (peft 0.5 LoRA wrapping or a bare featurizer). */
    public static final KeyMap DINO = new KeyMap("DINO ViT", "patch_embed.proj.weight",
            List.of("", "module.", "backbone.", "teacher.backbone.", "image_model.base_model.model.model.",
                    "image_model.model."),
            List.of(Rename.of("^(blocks\\.\\d+\\.attn\\.qkv)\\.base_layer\\.(weight|bias)$", "$1.$2")), // peft >= 0.7
            List.of(Pattern.compile("^head\\..*"), Pattern.compile("^(mask_token|register_tokens)$")));

    /** HF transformers HubertModel (HubertForCTC adds "hubert." and lm_head); DenseAV's audio_model.model. */
    public static final KeyMap HUBERT_HF = new KeyMap("HF HuBERT", "feature_projection.projection.weight",
            List.of("", "hubert.", "audio_model.model.", "model."),
            List.of(Rename.of("^(encoder\\.pos_conv_embed\\.conv)\\.parametrizations\\.weight\\.original0$", "$1.weight_g"),
                    Rename.of("^(encoder\\.pos_conv_embed\\.conv)\\.parametrizations\\.weight\\.original1$", "$1.weight_v")),
            List.of(Pattern.compile("^masked_spec_embed$")));

    /** torchaudio wav2vec2_model / hubert_* state dicts, renamed to the HF names. */
    public static final KeyMap HUBERT_TORCHAUDIO = new KeyMap("torchaudio HuBERT",
            "feature_projection.projection.weight", List.of(""),
            List.of(Rename.of("^encoder\\.feature_projection\\.(.*)$", "feature_projection.$1"),
                    Rename.of("^encoder\\.transformer\\.pos_conv_embed\\.(.*)$", "encoder.pos_conv_embed.$1"),
                    Rename.of("^encoder\\.transformer\\.layer_norm\\.(.*)$", "encoder.layer_norm.$1"),
                    Rename.of("^encoder\\.transformer\\.layers\\.(.*)$", "encoder.layers.$1"),
                    Rename.of("^(encoder\\.pos_conv_embed\\.conv)\\.parametrizations\\.weight\\.original0$", "$1.weight_g"),
                    Rename.of("^(encoder\\.pos_conv_embed\\.conv)\\.parametrizations\\.weight\\.original1$", "$1.weight_v")),
            List.of(Pattern.compile("^mask_emb$"), Pattern.compile("^aux\\..*"), Pattern.compile("^label_embeddings$"),
                    Pattern.compile("^final_proj\\..*")));

    /** DenseAV's own parameters (aligners, calibration, audio CLS); the backbones are mapped by DINO / HUBERT_HF. */
    public static final KeyMap DENSEAV_HEADS = new KeyMap("DenseAV heads", "audio_aligner.mod_list.1.norm.weight",
            List.of(""), List.of(),
            List.of(Pattern.compile("^image_model\\..*"), Pattern.compile("^audio_model\\..*"),
                    Pattern.compile("^sim_agg\\..*")));

    /** The result of mapping: canonical name → tensor, plus what was skipped. */
    public record Mapped(KeyMap map, Checkpoint source, String prefix, Map<String, Tensor> tensors, List<String> ignored) {
    }

    /** The canonical name of a key under the prefix. */
    public String canonical(String key) {
        String k = key;
        for (Rename r : renames) {
            Matcher m = r.from().matcher(k);
            if (m.matches()) k = m.replaceFirst(r.to());
        }
        return k;
    }

    /** True if this layout's marker is present under some prefix. */
    public boolean matches(Checkpoint ckpt) {
        return findPrefix(ckpt) != null;
    }

    /** Maps the checkpoint; throws {@link CheckpointException} if the layout is not found in it. */
    public Mapped apply(Checkpoint ckpt) {
        String prefix = findPrefix(ckpt);
        if (prefix == null) {
            throw new CheckpointException(ckpt.path(), "does not hold a " + name + " (no key '" + marker + "' under any of "
                    + prefixes + ")");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : ckpt.withPrefix(prefix).entrySet()) {
            String c = canonical(e.getKey());
            if (ignored.stream().anyMatch(p -> p.matcher(c).matches())) {
                skipped.add(prefix + e.getKey());
            } else {
                out.put(c, e.getValue().withName(c));
            }
        }
        return new Mapped(this, ckpt, prefix, out, skipped);
    }

    private String findPrefix(Checkpoint ckpt) {
        for (String p : prefixes) {
            for (String key : ckpt.tensors().keySet()) {
                if (key.startsWith(p) && canonical(key.substring(p.length())).equals(marker)) return p;
            }
        }
        return null;
    }

    /** Number of distinct indices N in keys {@code prefix + N + "."}, e.g. the blocks or layers of a model. */
    public static int countIndexed(java.util.Collection<String> keys, String prefix) {
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (String k : keys) {
            if (!k.startsWith(prefix)) continue;
            String rest = k.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && dot < 7 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
                ids.add(Integer.parseInt(rest.substring(0, dot)));
            }
        }
        return ids.size();
    }
}
