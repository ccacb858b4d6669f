package io.denseav.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A training run described in a YAML or JSON file ({@code denseav train --config FILE}): a preset to start from
 * ({@link Presets}), the data and output folders, and overrides of any {@link TrainConfig} setting. Relative paths
 * are resolved against the file's folder. Example:
 * <pre>
 * preset: tuxpaint-tiny          # or: paper (the reference's settings, av_align.yaml)
 * data: tux                      # a TuxPaint-AV folder or a pairs CSV
 * out: runs/tiny
 * workers: 2                     # data-parallel workers, one gathered contrastive batch
 * heads: 2
 * init: null                     # a DenseAV model to start from (else random weights)
 * validation: {every: 50, subset: 50}   # retrieval recall + prompted mIoU on the 'val' split
 * training:                      # any TrainConfig field
 *   lr: 5.0e-4
 *   trainSteps: 130
 *   losses: {disentangle: 0.01}
 * </pre>
 */
public record RunConfig(Presets.Preset preset, Path data, Path out, int workers, Integer heads, Path init,
                        Validation validation, TrainConfig training) {

    /** Periodic validation: every N steps, on the data's {@code val} split (or {@code data}), at most {@code subset} items. */
    public record Validation(int every, Integer subset, Path data) {
    }

    private static final Set<String> TOP = Set.of("preset", "data", "out", "workers", "heads", "init", "validation", "training");
    private static final Set<String> VALIDATION = Set.of("every", "subset", "data");

    /** Reads {@code file} (.yaml/.yml or .json); any problem is an {@link IllegalArgumentException} naming the file. */
    public static RunConfig read(Path file) {
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": not a mapping of settings");
        unknown(file, root, TOP, "");
        Path dir = file.toAbsolutePath().getParent();
        try {
            Presets.Preset p = Presets.named(text(root, "preset", "tuxpaint-tiny"));
            ObjectNode t = ModelFiles.JSON.valueToTree(p.training());
            if (root.has("training")) merge(t, root.get("training"));
            TrainConfig training = ModelFiles.JSON.treeToValue(t, TrainConfig.class);
            Validation v = null;
            JsonNode vn = root.get("validation");
            if (vn != null && !vn.isNull()) {
                unknown(file, vn, VALIDATION, "validation.");
                int every = vn.path("every").asInt(0);
                if (every < 1) throw new IllegalArgumentException("validation.every must be at least 1");
                v = new Validation(every, vn.has("subset") ? vn.get("subset").asInt() : null, path(dir, vn, "data"));
            }
            int workers = root.path("workers").asInt(1);
            if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
            return new RunConfig(p, path(dir, root, "data"), path(dir, root, "out"), workers,
                    root.hasNonNull("heads") ? root.get("heads").asInt() : null, path(dir, root, "init"), v, training);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown setting training." + pathOf(e) + e.getPropertyName(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static void unknown(Path file, JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) throw new IllegalArgumentException(file + ": unknown setting " + prefix + k + " (known: " + known + ")");
        }
    }

    /** Object fields of {@code over} replace or (for mappings) merge into {@code base}. */
    private static void merge(ObjectNode base, JsonNode over) {
        if (!over.isObject()) throw new IllegalArgumentException("training must be a mapping of TrainConfig settings");
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = base.get(e.getKey());
            if (old instanceof ObjectNode o && e.getValue().isObject()) merge(o, e.getValue());
            else base.set(e.getKey(), e.getValue());
        }
    }

    private static String pathOf(UnrecognizedPropertyException e) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.getPath().size() - 1; i++) sb.append(e.getPath().get(i).getFieldName()).append('.');
        return sb.toString();
    }

    private static String text(JsonNode n, String key, String fallback) {
        return n.hasNonNull(key) ? n.get(key).asText() : fallback;
    }

    private static Path path(Path dir, JsonNode n, String key) {
        return n.hasNonNull(key) ? dir.resolve(n.get(key).asText()).normalize() : null;
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
