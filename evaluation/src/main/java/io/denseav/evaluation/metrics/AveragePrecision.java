package io.denseav.evaluation.metrics;

import java.util.Arrays;

/**
 * Binary average precision, the segmentation AP of reference §7.1 (torchmetrics {@code binary_average_precision})
 * and the per-head AP of §7.3, computed exactly as sklearn 1.2's {@code average_precision_score}:
 * AP = Σ<sub>n</sub> (R<sub>n</sub> − R<sub>n−1</sub>) P<sub>n</sub> over the <em>distinct</em> score values taken as
 * thresholds in decreasing order (tied scores form one step, as in {@code precision_recall_curve}), with R<sub>0</sub>
 * = 0. Scores are compared as float32 values, so −0.0 and 0.0 tie as they do in numpy.
 *
 * <p>The ranking sorts one packed {@code long} per pixel (order-preserving float bits, then the label bit) with a
 * primitive sort, so 10<sup>7</sup> pixels take one 80 MB array and no boxing.
 *
 * <pre>{@code double ap = AveragePrecision.of(heatmapPixels, gtPixels); // NaN when gtPixels has no true value}</pre>
 */
public final class AveragePrecision {

    private AveragePrecision() {
    }

    /**
     * A precision-recall curve in sklearn's {@code precision_recall_curve} layout: thresholds increasing, precision and
     * recall one longer than thresholds, ending with the point (precision 1, recall 0).
     */
    public record Curve(double[] precision, double[] recall, double[] thresholds) {
    }

    /**
     * Average precision of {@code scores} for predicting {@code positives}. Returns {@link Double#NaN} when there is no
     * positive (sklearn warns and returns 0 there; AP is undefined, and callers skip such classes).
     *
     * @throws IllegalArgumentException on empty or unequal inputs, or a non-finite score
     */
    public static double of(float[] scores, boolean[] positives) {
        Inputs.requireScoresAndLabels(scores, positives);
        long total = count(positives);
        if (total == 0) return Double.NaN;
        double[] sum = {0, 0}; // AP so far, previous recall
        sweep(scores, positives, (threshold, tp, fp) -> {
            double recall = tp / (double) total;
            sum[0] += (recall - sum[1]) * (tp / (double) (tp + fp));
            sum[1] = recall;
        });
        return sum[0];
    }

    /**
     * The full precision-recall curve (exactly sklearn's when {@code maxPoints} is large enough), thinned for plotting to
     * at most {@code maxPoints} points: evenly spaced thresholds, the lowest and highest always kept, plus the final
     * (1, 0) point. With no positive, recall is 1 at every threshold, as in sklearn.
     */
    public static Curve curve(float[] scores, boolean[] positives, int maxPoints) {
        if (maxPoints < 2) throw new IllegalArgumentException("maxPoints must be at least 2, not " + maxPoints);
        Inputs.requireScoresAndLabels(scores, positives);
        long total = count(positives);
        Steps steps = new Steps();
        sweep(scores, positives, steps);
        int m = steps.size; // steps are in decreasing threshold order
        int kept = Math.min(m, maxPoints - 1);
        double[] precision = new double[kept + 1], recall = new double[kept + 1], thresholds = new double[kept];
        for (int j = 0; j < kept; j++) {
            int ascending = kept == 1 ? 0 : (int) Math.round(j * (m - 1) / (double) (kept - 1));
            int s = m - 1 - ascending;
            long tp = steps.tp[s];
            precision[j] = tp / (double) (tp + steps.fp[s]);
            recall[j] = total == 0 ? 1.0 : tp / (double) total;
            thresholds[j] = steps.threshold[s];
        }
        precision[kept] = 1.0;
        recall[kept] = 0.0;
        return new Curve(precision, recall, thresholds);
    }

    /** One step of the curve: a distinct threshold with the cumulative true and false positives at or above it. */
    @FunctionalInterface
    private interface StepSink {
        void accept(float threshold, long tp, long fp);
    }

    /** Visits the distinct score values in decreasing order with cumulative counts (sklearn's _binary_clf_curve). */
    private static void sweep(float[] scores, boolean[] positives, StepSink sink) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) keys[i] = ((long) sortableBits(scores[i]) << 1) | (positives[i] ? 1 : 0);
        Arrays.sort(keys);
        long tp = 0, fp = 0;
        for (int i = keys.length - 1; i >= 0; ) {
            long value = keys[i] >> 1;
            for (; i >= 0 && keys[i] >> 1 == value; i--) {
                if ((keys[i] & 1) != 0) tp++;
                else fp++;
            }
            sink.accept(fromSortableBits((int) value), tp, fp);
        }
    }

    /** Float bits whose signed-int order is the float order; −0.0 is folded onto 0.0 first. */
    private static int sortableBits(float f) {
        int bits = Float.floatToRawIntBits(f == 0f ? 0f : f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static float fromSortableBits(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    private static long count(boolean[] b) {
        long n = 0;
        for (boolean v : b) if (v) n++;
        return n;
    }

    /** The curve's steps, collected in growing primitive arrays. */
    private static final class Steps implements StepSink {
        float[] threshold = new float[256];
        long[] tp = new long[256];
        long[] fp = new long[256];
        int size;

        @Override
        public void accept(float t, long tps, long fps) {
            if (size == threshold.length) {
                threshold = Arrays.copyOf(threshold, 2 * size);
                tp = Arrays.copyOf(tp, 2 * size);
                fp = Arrays.copyOf(fp, 2 * size);
            }
            threshold[size] = t;
            tp[size] = tps;
            fp[size++] = fps;
        }
    }
}
