package io.denseav.evaluation.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.denseav.data.DataException;
import io.denseav.evaluation.protocols.EvalResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The results file of an evaluation:
 * <pre>{@code
 * {"protocol": "segmentation",
 *  "settings": {"model": ..., "data": ..., "subset": ..., "prompts": ..., "split": ..., ...},
 *  "per_class": [{"prompts": "speech", "class_id": 257, "class_name": "dog", "ap": .., "iou": .., "count": 2,
 *                 "advanced_ap": .., "advanced_iou": ..}, ...],
 *  "summary": {"basic_ap": .., "basic_iou": .., "advanced_ap": .., "advanced_iou": ..}}
 * }</pre>
 * Summary keys: segmentation {@code basic_ap, basic_iou} (+ {@code advanced_ap, advanced_iou} for speech with
 * timings; {@code speech_} / {@code sound_} prefixes when both kinds are evaluated), retrieval
 * {@code a2i_r1, a2i_r5, a2i_r10, i2a_r1, i2a_r5, i2a_r10}, disentanglement {@code pred_dis, act_dis},
 * localisation {@code ciou, auc}; all fractions in [0, 1]. An undefined number (a class with no positive pixel)
 * is {@code null}. {@code per_class} is empty for the protocols without classes.
 */
public final class ResultsJson {
    /** Settings written first, always present (null where a protocol has none). */
    public static final List<String> LEADING_SETTINGS = List.of("model", "data", "subset", "prompts", "split");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsJson() {
    }

    public static ObjectNode toJson(EvalResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("protocol", r.protocol());
        ObjectNode settings = root.putObject("settings");
        Map<String, Object> s = r.settings();
        for (String k : LEADING_SETTINGS) settings.set(k, value(s.get(k)));
        s.forEach((k, v) -> {
            if (!LEADING_SETTINGS.contains(k)) settings.set(k, value(v));
        });
        ArrayNode perClass = root.putArray("per_class");
        for (EvalResult.ClassMetrics c : r.perClass()) {
            ObjectNode o = perClass.addObject();
            if (c.prompts() != null) o.put("prompts", c.prompts());
            o.put("class_id", c.classId());
            o.set("class_name", value(c.className()));
            o.set("ap", number(c.ap()));
            o.set("iou", number(c.iou()));
            o.put("count", c.count());
            c.extra().forEach((k, v) -> o.set(k, number(v)));
        }
        ObjectNode summary = root.putObject("summary");
        r.summary().forEach((k, v) -> summary.set(k, number(v)));
        return root;
    }

    public static String toString(EvalResult r) {
        try {
            return MAPPER.writeValueAsString(toJson(r)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the results to {@code out} atomically (a temporary file beside it, then a rename). */
    public static void write(EvalResult r, Path out) {
        writeAtomically(out, toString(r), "results JSON");
    }

    private static JsonNode value(Object v) {
        if (v instanceof Double d) return number(d);
        if (v instanceof Float f) return number(f);
        return MAPPER.valueToTree(v);
    }

    private static JsonNode number(double v) {
        return Double.isFinite(v) ? MAPPER.getNodeFactory().numberNode(v) : MAPPER.getNodeFactory().nullNode();
    }

    /** Writes text through a temporary file and a rename; a {@link DataException} naming {@code out} on failure. */
    static void writeAtomically(Path out, String text, String what) {
        Path abs = out.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new DataException(out, "cannot write " + what + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed
                }
            }
        }
    }
}
