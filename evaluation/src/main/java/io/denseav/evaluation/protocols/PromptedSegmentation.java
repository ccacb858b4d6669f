package io.denseav.evaluation.protocols;

import io.denseav.data.DataException;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.readers.SegmentationLabels;
import io.denseav.evaluation.metrics.AveragePrecision;
import io.denseav.evaluation.metrics.ThresholdIoU;
import io.denseav.evaluation.viz.Interpolate;
import io.denseav.modelimport.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Speech- and sound-prompted semantic segmentation (reference §7.1, DenseAV {@code eval_utils.get_paired_heatmaps}):
 * <ol>
 *   <li>per prompt, the paired volume (mask applied), max over heads, and the masked time mean
 *       Σ<sub>t</sub> x·m / Σ<sub>t</sub> m: "basic" with m = the audio validity mask; "advanced" (speech rows with
 *       a timing) with m = the word's frames, {@link #wordFrames};</li>
 *   <li>one min-max over the whole evaluation set of each kind ({@link #globalMinMax}), then bilinear upsampling
 *       to 224×224 (torch {@code F.interpolate}, {@code align_corners=False}: {@link Interpolate});</li>
 *   <li>per prompt class c, over the pooled pixels of all images prompted with c: AP
 *       ({@link AveragePrecision}, positives = label == c) and the best IoU over 20 thresholds
 *       ({@link ThresholdIoU}); labels are the {@code _seg.png} classes ⌊R/10⌋·256+G resized (nearest) and
 *       centre-cropped as the image ({@link SegmentationLabels});</li>
 *   <li>summary: the means over classes, {@code basic_ap}, {@code basic_iou} and, for speech with timings,
 *       {@code advanced_ap}, {@code advanced_iou}. With both kinds evaluated the keys are prefixed
 *       {@code speech_} / {@code sound_} (the reference's {@code hp/speech_basic_ap} names). A class whose images
 *       hold no pixel of it has no AP: it is listed (AP NaN) but left out of the means.</li>
 * </ol>
 * Two choices where the reference has none: a word bound outside the clip is clamped to [0, T] (the reference's
 * {@code one_hot} would fail), and a prompt whose word lies wholly past the 10.26 s clip falls back to its basic
 * mask (the reference would divide by zero); both are counted in the settings.
 *
 * <pre>{@code
 * EvalResult r = PromptedSegmentation.builder().setData(Path.of("ADE20KSpeechPrompted"))
 *         .optPrompts(Prompts.SPEECH).build().run(features, Progress.NONE);
 * double map = r.summary("advanced_ap");
 * }</pre>
 */
public final class PromptedSegmentation {
    /** The reference's margin around the word, {@code timing[:, 0] -= .2; timing[:, 1] += .2}. */
    public static final float WORD_MARGIN_SECONDS = 0.2f;
    /** The released models' padded clip in seconds ({@code total_length / 16000}, 164,200 samples). */
    public static final float CLIP_SECONDS = 164_200 / 16_000f;
    /** Heat maps and labels are compared at 224×224. */
    public static final int SIZE = ImagePreprocessor.LOAD_SIZE;
    /** Points kept per PR curve for the report. */
    static final int CURVE_POINTS = 120;

    private final ProtocolBuilder.Selection sel;
    private final Prompts prompts;
    private final int examples;

    private PromptedSegmentation(Builder b) {
        this.sel = b.selection();
        this.prompts = b.prompts;
        this.examples = b.examples;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options: {@code setData} (a folder with {@code prompted_segmentation.csv}: ADE20K-prompted layout or a
     * TuxPaint-AV split) is required; the others default to all prompts of every kind ({@code optSubset} counts per kind).
     */
    public static final class Builder extends ProtocolBuilder<Builder> {
        private Prompts prompts;
        private int examples = 3;

        @Override
        Builder self() {
            return this;
        }

        /** Which prompts; default: every kind the CSV has ({@link Prompts#BOTH} for a TuxPaint-AV split). */
        public Builder optPrompts(Prompts p) {
            this.prompts = p;
            return this;
        }

        /** Best and worst examples kept per kind for the report (default 3 each; 0: none). */
        public Builder optExamples(int n) {
            this.examples = Math.max(0, n);
            return this;
        }

        public PromptedSegmentation build() {
            return new PromptedSegmentation(this);
        }
    }

    /** Runs the protocol with {@code features}' model; progress per prompt and per class. */
    public EvalResult run(Features features, Progress progress) {
        Path data = sel.data();
        PromptedSet set = PromptedSet.read(data);
        List<PromptedSet.Kind> kinds = prompts == null ? set.kinds() : prompts.kinds();
        if (kinds.isEmpty()) throw new EvaluationException(data + ": " + PromptedSet.CSV + " has no prompts");
        for (PromptedSet.Kind k : kinds) {
            if (set.items(k).isEmpty()) {
                throw new EvaluationException(data + ": no " + k.label() + " prompts in " + PromptedSet.CSV
                        + " (it has " + set.kinds().stream().map(PromptedSet.Kind::label).toList() + ")");
            }
        }
        EvalResult r = new EvalResult("segmentation");
        r.setting("data", data.toString());
        r.setting("prompts", kinds.size() > 1 ? "both" : kinds.get(0).label());
        r.setting("subset", sel.subset());
        r.setting("heatmap", "paired volume (mask applied), max over heads, masked mean over time; one min-max over"
                + " the evaluation set; bilinear (align_corners=False) to 224x224");
        r.setting("image", "Resize(224) + CenterCrop(224), eval mode (28x28 for DINO ViT-S/8)");
        r.setting("audio", "16 kHz, zero-padded/truncated to " + features.model().clipSamples() + " samples, Wav2Vec2-normalised");
        r.setting("labels", "class = floor(R/10)*256 + G, Resize(224, nearest) + CenterCrop(224); positives: label == prompt class");
        r.setting("ap", "binary average precision over the pooled pixels of each prompt class (sklearn-exact)");
        r.setting("iou_thresholds", ThresholdIoU.DEFAULT_THRESHOLDS);
        r.setting("advanced_mask", "speech with timing: frames floor(T*(start-" + WORD_MARGIN_SECONDS + ")/" + features.clipSeconds()
                + ") .. ceil(T*(end+" + WORD_MARGIN_SECONDS + ")/" + features.clipSeconds() + ")-1, clamped to [0, T]");
        r.setting("dropped_background_rows", set.droppedBackground());
        r.setting("feature_cache", features.isCached());
        boolean prefix = kinds.size() > 1;
        for (PromptedSet.Kind kind : kinds) evaluateKind(set, kind, prefix, features, progress, r);
        return r;
    }

    private void evaluateKind(PromptedSet set, PromptedSet.Kind kind, boolean prefix, Features features,
                              Progress progress, EvalResult r) {
        List<PromptedSet.Item> all = set.items(kind);
        int[] chosen = sel.choose(all.size(), 0, kind.label() + " prompts");
        Arrays.sort(chosen);
        List<PromptedSet.Item> items = IntStream.of(chosen).mapToObj(all::get).toList();
        String name = kind.label();
        Raw raw = heatmaps(items, features, progress, "segmentation (" + name + "): features");
        int[] classes = items.stream().mapToInt(PromptedSet.Item::classId).toArray();
        progress.start("segmentation (" + name + "): metrics", (raw.advanced == null ? 1L : 2L) * distinct(classes));
        Scores basic = score(classes, raw.truth, raw.basic, progress);
        Scores advanced = raw.advanced == null ? null : score(classes, raw.truth, raw.advanced, progress);
        progress.done();
        String p = prefix ? name + "_" : "";
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("prompts", items.size());
        counts.put("classes", basic.classes.size());
        counts.put("classes_without_positives", basic.classes.values().stream().filter(c -> Double.isNaN(c.ap)).count());
        if (kind == PromptedSet.Kind.SPEECH) {
            counts.put("advanced", raw.advanced != null ? "computed" : "skipped: " + raw.missingTimings + " prompts have no timing");
            if (raw.advanced != null) counts.put("advanced_word_past_clip_fallbacks", raw.fallbacks);
        }
        r.setting(name, counts);
        for (Map.Entry<Integer, ClassScore> e : basic.classes.entrySet()) {
            ClassScore b = e.getValue();
            Map<String, Double> extra = new LinkedHashMap<>();
            if (advanced != null) {
                ClassScore a = advanced.classes.get(e.getKey());
                extra.put("advanced_ap", a.ap);
                extra.put("advanced_iou", a.iou);
            }
            r.addClass(new EvalResult.ClassMetrics(name, e.getKey(), set.className(e.getKey()), b.ap, b.iou, b.count, extra));
        }
        summarise(r, p + "basic", basic);
        if (advanced != null) summarise(r, p + "advanced", advanced);
        Scores primary = advanced != null ? advanced : basic;
        String variant = advanced != null ? "advanced" : "basic";
        for (Map.Entry<Integer, ClassScore> e : primary.classes.entrySet()) {
            if (e.getValue().curve != null) {
                r.addCurve(new EvalResult.Curve(name + " · " + label(set, e.getKey()) + " (" + variant + ")",
                        e.getValue().curve, e.getValue().ap));
            }
        }
        addExamples(r, set, items, raw, primary, name + " (" + variant + " heat map)");
    }

    private static void summarise(EvalResult r, String key, Scores s) {
        double[] ap = s.classes.values().stream().filter(c -> !Double.isNaN(c.ap)).mapToDouble(c -> c.ap).toArray();
        double[] iou = s.classes.values().stream().filter(c -> !Double.isNaN(c.ap)).mapToDouble(c -> c.iou).toArray();
        r.putSummary(key + "_ap", ap.length == 0 ? Double.NaN : Arrays.stream(ap).average().orElseThrow());
        r.putSummary(key + "_iou", iou.length == 0 ? Double.NaN : Arrays.stream(iou).average().orElseThrow());
    }

    private void addExamples(EvalResult r, PromptedSet set, List<PromptedSet.Item> items, Raw raw, Scores s, String group) {
        if (examples == 0) return;
        Integer[] order = IntStream.range(0, items.size()).filter(i -> !Double.isNaN(s.perItemAp[i])).boxed()
                .sorted(Comparator.comparingDouble(i -> -s.perItemAp[i])).toArray(Integer[]::new);
        int n = Math.min(examples, order.length), worstN = Math.min(examples, order.length - n);
        for (int j = 0; j < n + worstN; j++) { // the best n, then the worst (never the same picture twice)
            boolean best = j < n;
            int i = best ? order[j] : order[order.length - 1 - (j - n)];
            PromptedSet.Item it = items.get(i);
            r.addExample(new EvalResult.Example(group, best, label(set, it.classId()),
                    String.format(java.util.Locale.ROOT, "AP %.3f · %s · %s", s.perItemAp[i], it.frame().getFileName(),
                            it.audio().getFileName()),
                    ImagePreprocessor.evaluation().read(it.frame()), HeatmapMath.upsample(s.normalised[i]), raw.truth[i], s.perItemAp[i]));
        }
    }

    private static String label(PromptedSet set, int id) {
        String n = set.className(id);
        return n == null ? "class " + id : n + " (" + id + ")";
    }

    private static long distinct(int[] classes) {
        return IntStream.of(classes).distinct().count();
    }

    // ------------------------------------------------------------------------------------------- heat maps

    /** Raw (pre-normalisation) heat maps and ground truths of the prompts of one kind. */
    static final class Raw {
        final float[][][] basic;
        final float[][][] advanced;
        final BitSet[] truth;
        final int fallbacks;
        final int missingTimings;

        Raw(float[][][] basic, float[][][] advanced, BitSet[] truth, int fallbacks, int missingTimings) {
            this.basic = basic;
            this.advanced = advanced;
            this.truth = truth;
            this.fallbacks = fallbacks;
            this.missingTimings = missingTimings;
        }
    }

    /** Per prompt: the basic (and advanced) masked time means {@code [h][w]} and the 224×224 truth (label == class). */
    static Raw heatmaps(List<PromptedSet.Item> items, Features features, Progress progress, String task) {
        int n = items.size();
        long missing = items.stream().filter(i -> i.kind() == PromptedSet.Kind.SPEECH && i.timing() == null).count();
        boolean advanced = items.stream().allMatch(i -> i.kind() == PromptedSet.Kind.SPEECH) && missing == 0;
        float[][][] basic = new float[n][][], adv = advanced ? new float[n][][] : null;
        BitSet[] truth = new BitSet[n];
        int fallbacks = 0;
        progress.start(task, n);
        for (int i = 0; i < n; i++) {
            PromptedSet.Item it = items.get(i);
            truth[i] = truth(it);
            Features.Audio a = features.audio(it.audio());
            INDArray v = features.image(it.frame());
            float[][][] sims = HeatmapMath.headMax(features.model().pairedVolume(a.feats(), a.mask(), v)); // [h][w][T]
            float[] mask = a.mask().reshape(-1).toFloatVector();
            basic[i] = HeatmapMath.maskedTimeMean(sims, mask);
            if (advanced) {
                int[] f = wordFrames(it.timing()[0], it.timing()[1], mask.length, features.clipSeconds());
                if (f[0] >= f[1]) {
                    fallbacks++;
                    adv[i] = basic[i];
                } else {
                    float[] word = new float[mask.length];
                    Arrays.fill(word, f[0], f[1], 1f);
                    adv[i] = HeatmapMath.maskedTimeMean(sims, word);
                }
            }
            progress.step(1);
        }
        progress.done();
        return new Raw(basic, adv, truth, fallbacks, (int) missing);
    }

    /** The 224×224 pixels whose class is the prompt's; the annotation must have the picture's size. */
    static BitSet truth(PromptedSet.Item it) {
        int[] pic = HeatmapMath.imageSize(it.frame()), seg = HeatmapMath.imageSize(it.annotation());
        if (pic[0] != seg[0] || pic[1] != seg[1]) {
            throw new DataException(it.annotation(), "size mismatch: annotation " + seg[0] + "x" + seg[1] + ", picture "
                    + pic[0] + "x" + pic[1] + " (" + it.where() + ")");
        }
        int[] labels = SegmentationLabels.read(it.annotation(), SIZE).reshape(-1).toIntVector();
        BitSet b = new BitSet(labels.length);
        for (int p = 0; p < labels.length; p++) if (labels[p] == it.classId()) b.set(p);
        return b;
    }

    /**
     * The reference's word frames for a timing in seconds and T aligned frames, {from, to} (frames from..to−1):
     * {@code floor(T·(start − 0.2)/10.2625)} and {@code ceil(T·(end + 0.2)/10.2625)} in float32 as torch computes
     * them, clamped to [0, T].
     */
    public static int[] wordFrames(double start, double end, int t) {
        return wordFrames(start, end, t, CLIP_SECONDS);
    }

    /** {@link #wordFrames(double, double, int)} for a model whose clips last {@code clipSeconds}. */
    public static int[] wordFrames(double start, double end, int t, float clipSeconds) {
        float lo = (float) Math.floor(t * (((float) start - WORD_MARGIN_SECONDS) / clipSeconds));
        float hi = (float) Math.ceil(t * (((float) end + WORD_MARGIN_SECONDS) / clipSeconds));
        return new int[] {(int) Math.max(0, Math.min(lo, t)), (int) Math.max(0, Math.min(hi, t))};
    }

    // ------------------------------------------------------------------------------------------- metrics

    /** One class: AP, best IoU, prompts pooled, PR curve (null without positives). */
    static final class ClassScore {
        final double ap;
        final double iou;
        final int count;
        final AveragePrecision.Curve curve;

        ClassScore(double ap, double iou, int count, AveragePrecision.Curve curve) {
            this.ap = ap;
            this.iou = iou;
            this.count = count;
            this.curve = curve;
        }
    }

    /** Per class (by id) and per prompt (AP of its own pixels, for the examples), and the normalised maps. */
    static final class Scores {
        final Map<Integer, ClassScore> classes = new TreeMap<>();
        final double[] perItemAp;
        final float[][][] normalised;

        Scores(double[] perItemAp, float[][][] normalised) {
            this.perItemAp = perItemAp;
            this.normalised = normalised;
        }
    }

    /**
     * Steps 2-3 of the class comment on raw heat maps {@code [n][h][w]} (copied, not changed) of prompts with
     * classes {@code classes} and 224×224 truths: global min-max, upsampling, per-class pooled AP and IoU.
     */
    static Scores score(int[] classes, BitSet[] truth, float[][][] raw, Progress progress) {
        int n = classes.length, px = SIZE * SIZE;
        float[][][] maps = new float[n][][];
        for (int i = 0; i < n; i++) {
            maps[i] = new float[raw[i].length][];
            for (int y = 0; y < raw[i].length; y++) maps[i][y] = raw[i][y].clone();
        }
        HeatmapMath.globalMinMax(maps);
        Scores out = new Scores(new double[n], maps);
        Map<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) byClass.computeIfAbsent(classes[i], c -> new ArrayList<>()).add(i);
        for (Map.Entry<Integer, List<Integer>> e : byClass.entrySet()) {
            List<Integer> members = e.getValue();
            float[] scores = new float[members.size() * px];
            boolean[] positives = new boolean[scores.length];
            for (int j = 0; j < members.size(); j++) {
                int i = members.get(j);
                float[][] up = HeatmapMath.upsample(maps[i]);
                float[] own = new float[px];
                boolean[] ownTruth = new boolean[px];
                for (int y = 0, p = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++, p++) {
                        own[p] = up[y][x];
                        ownTruth[p] = truth[i].get(p);
                    }
                }
                System.arraycopy(own, 0, scores, j * px, px);
                System.arraycopy(ownTruth, 0, positives, j * px, px);
                out.perItemAp[i] = AveragePrecision.of(own, ownTruth);
            }
            double ap = AveragePrecision.of(scores, positives);
            double iou = ThresholdIoU.best(scores, positives);
            AveragePrecision.Curve curve = Double.isNaN(ap) ? null : AveragePrecision.curve(scores, positives, CURVE_POINTS);
            out.classes.put(e.getKey(), new ClassScore(ap, iou, members.size(), curve));
            progress.step(1);
        }
        return out;
    }
}
