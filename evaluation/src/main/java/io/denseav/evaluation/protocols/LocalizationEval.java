package io.denseav.evaluation.protocols;

import io.denseav.data.DataException;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.readers.Csv;
import io.denseav.evaluation.metrics.Localization;
import io.denseav.modelimport.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Sound-source localisation, cIoU and AUC as LVS computes them for VGG-SS ({@link Localization}; DenseAV ships no
 * implementation, reference §7.4), on a simple layout: a CSV {@code localization.csv} (or any CSV given directly)
 * with columns {@code image}, {@code audio} (paths relative to the CSV) and {@code boxes}, the sounding object's
 * boxes in the original picture's pixels as {@code "x1 y1 x2 y2;x1 y1 x2 y2"} (x2, y2 exclusive; blank: no box).
 * Boxes go through the image's geometry ({@link #mapBox}: Resize(224) then CenterCrop(224)). The heat map is the
 * "basic" one of the segmentation protocol (max over heads, masked time mean) upsampled bilinearly to 224×224;
 * LVS normalises each map itself. Summary: {@code ciou} (the fraction of pictures with cIoU ≥ 0.5) and {@code auc}.
 */
public final class LocalizationEval {
    public static final String FILE = "localization.csv";
    private static final int SIZE = ImagePreprocessor.LOAD_SIZE;

    private final ProtocolBuilder.Selection sel;
    private final int examples;

    private LocalizationEval(Builder b) {
        this.sel = b.selection();
        this.examples = b.examples;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code setData} (the CSV, or a folder holding {@code localization.csv}) is required; default: every row. */
    public static final class Builder extends ProtocolBuilder<Builder> {
        private int examples = 3;

        @Override
        Builder self() {
            return this;
        }

        public Builder optExamples(int n) {
            this.examples = Math.max(0, n);
            return this;
        }

        public LocalizationEval build() {
            return new LocalizationEval(this);
        }
    }

    /** One row: picture, clip, boxes {x1, y1, x2, y2} in the picture's pixels. */
    record Row(Path image, Path audio, int[][] boxes, String where) {
    }

    /** {@code data} if it is a file, else {@code data/localization.csv}. */
    static Path locate(Path data) {
        if (Files.isRegularFile(data)) return data;
        Path f = data.resolve(FILE);
        if (Files.isRegularFile(f)) return f;
        throw new EvaluationException(data + ": not a localisation folder (a CSV with image,audio,boxes columns, or a"
                + " folder holding " + FILE + ")");
    }

    static List<Row> read(Path csvFile) {
        Csv csv = Csv.read(csvFile, null);
        if (!csv.has("image") || !csv.has("audio") || !csv.has("boxes")) {
            throw new EvaluationException(csvFile + ": not a localisation CSV (the header must name image, audio and boxes)");
        }
        Path base = csvFile.toAbsolutePath().getParent();
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            String image = csv.get(r, "image"), audio = csv.get(r, "audio"), boxes = csv.get(r, "boxes");
            if (image == null || audio == null) throw new DataException(csvFile, "no image or audio (" + where + ")");
            rows.add(new Row(existing(base, image, where), existing(base, audio, where), parseBoxes(boxes, csvFile, where), where));
        }
        return rows;
    }

    /** {@code "x1 y1 x2 y2;..."} → boxes; blank → none. */
    static int[][] parseBoxes(String s, Path file, String where) {
        if (s == null || s.isBlank()) return new int[0][];
        List<int[]> out = new ArrayList<>();
        for (String part : s.split(";")) {
            if (part.isBlank()) continue;
            String[] v = part.strip().split("[\\s,]+");
            try {
                if (v.length != 4) throw new NumberFormatException();
                int[] b = new int[4];
                for (int i = 0; i < 4; i++) b[i] = (int) Math.floor(Double.parseDouble(v[i]));
                out.add(b);
            } catch (NumberFormatException e) {
                throw new DataException(file, "box '" + part.strip() + "' is not 'x1 y1 x2 y2' (" + where + ")");
            }
        }
        return out.toArray(int[][]::new);
    }

    /**
     * A box {x1, y1, x2, y2} in a {@code width × height} picture's pixels → the 224×224 evaluation crop: scaled by
     * the {@code Resize(224)} factors and truncated ({@code floor(x · rw / w)}, as LVS's {@code int()}), shifted
     * by the centre crop's origin, clamped to [0, 224].
     */
    public static int[] mapBox(int[] box, int width, int height) {
        int[] size = ImagePreprocessor.resizedSize(width, height, SIZE);
        int[] tl = ImagePreprocessor.centerCropOrigin(size[0], size[1], SIZE);
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            boolean x = i % 2 == 0;
            double scaled = x ? (double) box[i] * size[0] / width : (double) box[i] * size[1] / height;
            int v = (int) Math.floor(scaled) - (x ? tl[1] : tl[0]);
            out[i] = Math.max(0, Math.min(v, SIZE));
        }
        return out;
    }

    public EvalResult run(Features features, Progress progress) {
        Path csv = locate(sel.data());
        List<Row> all = read(csv);
        int[] chosen = sel.choose(all.size(), 0, "localisation rows");
        java.util.Arrays.sort(chosen);
        List<Row> rows = IntStream.of(chosen).mapToObj(all::get).toList();
        double[] ciou = new double[rows.size()];
        float[][][] heat = new float[rows.size()][][];
        boolean[][] truth = new boolean[rows.size()][];
        progress.start("localization: heat maps", rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            int[] wh = HeatmapMath.imageSize(row.image());
            int[][] mapped = new int[row.boxes().length][];
            for (int b = 0; b < mapped.length; b++) mapped[b] = mapBox(row.boxes()[b], wh[0], wh[1]);
            truth[i] = Localization.boxMask(SIZE, SIZE, mapped);
            Features.Audio a = features.audio(row.audio());
            float[][][] sims = HeatmapMath.headMax(features.model().pairedVolume(a.feats(), a.mask(),
                    features.image(row.image())));
            heat[i] = HeatmapMath.upsample(HeatmapMath.maskedTimeMean(sims,
                    a.mask().reshape(-1).toFloatVector()));
            ciou[i] = Localization.ciou(flatten(heat[i]), truth[i]);
            progress.step(1);
        }
        progress.done();
        Localization.Summary s = Localization.summarize(ciou);
        EvalResult r = new EvalResult("localization");
        r.setting("data", csv.toString());
        r.setting("subset", sel.subset());
        r.setting("images", rows.size());
        r.setting("heatmap", "paired volume (mask applied), max over heads, masked mean over time, bilinear to 224x224");
        r.setting("ciou", "LVS: pred = 1 - minmax(-heatmap); inferred = pred above its median-rank value or >= 1;"
                + " cIoU = |inferred ∧ gt| / (|gt| + |inferred ∧ ¬gt|)");
        r.setting("boxes", "original pixels, x2/y2 exclusive, scaled by Resize(224), floor, minus the CenterCrop(224) origin");
        r.setting("feature_cache", features.isCached());
        r.putSummary("ciou", s.ciouAt05());
        r.putSummary("auc", s.auc());
        double[] x = new double[21], rate = new double[21];
        for (int i = 0; i <= 20; i++) {
            x[i] = 0.05 * i;
            double t = x[i];
            rate[i] = IntStream.range(0, ciou.length).filter(j -> ciou[j] >= t).count() / (double) ciou.length;
        }
        r.addTable(new EvalResult.Table("Success rate (fraction of pictures with cIoU ≥ threshold)",
                List.of("success rate"), IntStream.rangeClosed(0, 20).filter(i -> i % 2 == 0)
                .mapToObj(i -> String.format(Locale.ROOT, "%.1f", 0.05 * i)).toList(),
                new double[][] {IntStream.rangeClosed(0, 20).filter(i -> i % 2 == 0).mapToDouble(i -> rate[i]).toArray()}));
        Integer[] order = IntStream.range(0, rows.size()).filter(i -> !Double.isNaN(ciou[i])).boxed()
                .sorted(Comparator.comparingDouble(i -> -ciou[i])).toArray(Integer[]::new);
        int n = Math.min(examples, order.length), worstN = Math.min(examples, order.length - n);
        for (int j = 0; j < n + worstN; j++) { // the best n, then the worst (never the same picture twice)
            boolean best = j < n;
            int i = best ? order[j] : order[order.length - 1 - (j - n)];
            Row row = rows.get(i);
            float[][] h = normalise(heat[i]);
            BitSet gt = new BitSet();
            for (int p = 0; p < truth[i].length; p++) if (truth[i][p]) gt.set(p);
            r.addExample(new EvalResult.Example("localization", best, row.image().getFileName().toString(),
                    String.format(Locale.ROOT, "cIoU %.3f · %s", ciou[i], row.audio().getFileName()),
                    ImagePreprocessor.evaluation().read(row.image()), h, gt, ciou[i]));
        }
        return r;
    }

    private static float[] flatten(float[][] m) {
        float[] out = new float[m.length * m[0].length];
        for (int y = 0; y < m.length; y++) System.arraycopy(m[y], 0, out, y * m[0].length, m[0].length);
        return out;
    }

    private static float[][] normalise(float[][] m) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float[] row : m) for (float v : row) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[][] out = new float[m.length][m[0].length];
        for (int y = 0; y < m.length; y++) for (int x = 0; x < m[0].length; x++) out[y][x] = hi > lo ? (m[y][x] - lo) / (hi - lo) : 0f;
        return out;
    }

    private static Path existing(Path base, String relative, String where) {
        Path p = base.resolve(relative).normalize();
        if (!Files.isRegularFile(p)) throw new DataException(p, "no such file (" + where + ")");
        return p;
    }
}
