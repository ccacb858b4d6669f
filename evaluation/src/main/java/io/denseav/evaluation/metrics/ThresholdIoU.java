package io.denseav.evaluation.metrics;

/**
 * The "oracle threshold per class" IoU of reference §7.1 (DenseAV {@code eval_utils.multi_iou}): thresholds are
 * {@code linspace(min(scores), max(scores), k)}, the prediction at a threshold is {@code score > thr}, IoU = |pred ∧
 * gt| / |pred ∨ gt| pooled over every pixel given, and the result is the best IoU over the thresholds.
 *
 * <p>Two details follow the reference: an empty union counts as IoU 0 (the reference replaces a zero union by 1, so
 * 0/0 becomes 0/1), and the highest threshold (the maximum score) predicts nothing. The thresholds are numpy's float64
 * {@code linspace}; the reference's float32 {@code torch.linspace} can only differ for a score lying between the two
 * roundings of a threshold (the goldens check both agree), and its float32 division by at most 1e-7.
 */
public final class ThresholdIoU {
    /** The reference's number of thresholds, {@code multi_iou(..., k=20)}. */
    public static final int DEFAULT_THRESHOLDS = 20;

    private ThresholdIoU() {
    }

    /** {@link #best(float[], boolean[], int)} with the reference's {@value #DEFAULT_THRESHOLDS} thresholds. */
    public static double best(float[] scores, boolean[] positives) {
        return best(scores, positives, DEFAULT_THRESHOLDS);
    }

    /**
     * The best pooled IoU of {@code score > thr} against {@code positives} over {@code thresholds} evenly spaced
     * thresholds from the minimum to the maximum score, both included.
     *
     * @throws IllegalArgumentException on empty or unequal inputs, a non-finite score, or {@code thresholds < 1}
     */
    public static double best(float[] scores, boolean[] positives, int thresholds) {
        if (thresholds < 1) throw new IllegalArgumentException("thresholds must be at least 1, not " + thresholds);
        Inputs.requireScoresAndLabels(scores, positives);
        float min = scores[0], max = scores[0];
        for (float s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        double[] thr = linspace(min, max, thresholds);
        long[] predicted = new long[thresholds], intersection = new long[thresholds];
        long truth = 0;
        for (int i = 0; i < scores.length; i++) {
            double s = scores[i];
            boolean gt = positives[i];
            if (gt) truth++;
            for (int j = 0; j < thresholds; j++) {
                if (s > thr[j]) {
                    predicted[j]++;
                    if (gt) intersection[j]++;
                }
            }
        }
        double best = 0;
        for (int j = 0; j < thresholds; j++) {
            long union = predicted[j] + truth - intersection[j];
            if (union > 0) best = Math.max(best, intersection[j] / (double) union);
        }
        return best;
    }

    /**
     * numpy's {@code linspace(start, stop, num)} in float64: {@code start + i·step} with {@code step = (stop −
     * start)/(num − 1)} (or {@code i/(num − 1)·(stop − start)} when that step underflows to 0), the last value set to
     * {@code stop} exactly; {@code num == 1} gives {@code [start]}.
     */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        int div = num - 1;
        double delta = stop - start, step = div > 0 ? delta / div : Double.NaN;
        for (int i = 0; i < num; i++) {
            y[i] = (step == 0 ? i / (double) div * delta : div > 0 ? i * step : i * delta) + start;
        }
        if (num > 1) y[num - 1] = stop;
        return y;
    }
}
