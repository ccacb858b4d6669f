package io.denseav.evaluation.protocols;

import io.denseav.data.RgbImage;
import io.denseav.evaluation.metrics.AveragePrecision;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a protocol run measured: its name, the exact settings, per-class metrics (segmentation), the summary
 * numbers (fractions in [0, 1]; the keys are listed on each protocol), and what the HTML report draws (PR curves,
 * best and worst examples, tables). {@link io.denseav.evaluation.report.ResultsJson} writes the first four.
 */
public final class EvalResult {
    /**
     * One prompt class: {@code prompts} ("speech" / "sound", or null), the class, its basic AP and IoU, how many
     * prompts (images) it pooled, and further metrics by name (e.g. {@code advanced_ap}). AP is NaN when the
     * class has no ground-truth pixel in its images.
     */
    public record ClassMetrics(String prompts, int classId, String className, double ap, double iou, int count,
                               Map<String, Double> extra) {
        public ClassMetrics {
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }
    }

    /** A precision-recall curve of one class (or of one head, ...), with its AP. */
    public record Curve(String label, AveragePrecision.Curve curve, double ap) {
    }

    /**
     * A picture to show: the 224×224 evaluation crop, its heat map at that size (values in [0, 1] after the protocol's
     * normalisation), the ground truth to outline (null if none) and the score it was ranked by.
     */
    public record Example(String group, boolean best, String title, String caption, RgbImage picture, float[][] heat,
                          BitSet truth, double score) {
    }

    /** A small table (recall@k, AP/Act matrices): row names × column names. */
    public record Table(String title, List<String> rows, List<String> columns, double[][] values) {
    }

    private final String protocol;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<ClassMetrics> perClass = new ArrayList<>();
    private final Map<String, Double> summary = new LinkedHashMap<>();
    private final List<Curve> curves = new ArrayList<>();
    private final List<Example> examples = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();

    EvalResult(String protocol) {
        this.protocol = Objects.requireNonNull(protocol);
    }

    /** segmentation, retrieval, disentanglement or localization. */
    public String protocol() {
        return protocol;
    }

    /** The settings the numbers depend on (model, data, subset, prompts, ...), in insertion order. */
    public Map<String, Object> settings() {
        return Collections.unmodifiableMap(settings);
    }

    public List<ClassMetrics> perClass() {
        return Collections.unmodifiableList(perClass);
    }

    /** The protocol's headline numbers by key. */
    public Map<String, Double> summary() {
        return Collections.unmodifiableMap(summary);
    }

    /** A summary number; {@link IllegalArgumentException} if there is none by that key. */
    public double summary(String key) {
        Double v = summary.get(key);
        if (v == null) throw new IllegalArgumentException("no summary '" + key + "' (have " + summary.keySet() + ")");
        return v;
    }

    public List<Curve> curves() {
        return Collections.unmodifiableList(curves);
    }

    public List<Example> examples() {
        return Collections.unmodifiableList(examples);
    }

    public List<Table> tables() {
        return Collections.unmodifiableList(tables);
    }

    /** Records a setting (also usable by callers to note, e.g., the command line). */
    public EvalResult setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    void addClass(ClassMetrics m) {
        perClass.add(m);
    }

    void putSummary(String key, double value) {
        summary.put(key, value);
    }

    void addCurve(Curve c) {
        curves.add(c);
    }

    void addExample(Example e) {
        examples.add(e);
    }

    void addTable(Table t) {
        tables.add(t);
    }
}
