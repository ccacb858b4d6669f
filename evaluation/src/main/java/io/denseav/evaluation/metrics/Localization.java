package io.denseav.evaluation.metrics;

import java.util.Arrays;

/**
 * Sound-source localisation cIoU and AUC as computed by LVS (Chen et al., "Localizing Visual Sounds the Hard Way",
 * CVPR 2021, {@code test.py} and {@code utils.py}), the protocol used for VGG-SS (reference §7.4 notes DenseAV ships
 * no implementation). Per image, on the 224×224 heatmap (the caller upsamples, LVS uses cv2 bilinear):
 * <ol>
 *   <li>{@code pred = 1 − normalize_img(−heatmap)}, a float32 min-max normalisation (a constant map is left as is, so
 *       pred = 1 + heatmap);</li>
 *   <li>{@code threshold = sort(pred)[int(H·W/2)]}; pixels above it become 1, all others below 1 become 0, and
 *       {@code cal_CIOU(pred, gt, 0.5)} keeps pred ≥ 0.5. The inferred map is therefore {@code pred > threshold or
 *       pred ≥ 1}: about the top half of the pixels, not {@code normalised ≥ 0.5};</li>
 *   <li>cIoU = Σ(infer ∧ gt) / (Σ gt + Σ(infer ∧ ¬gt)); 0/0 gives NaN as in numpy, which then fails every threshold.</li>
 * </ol>
 * Over images, cIoU@0.5 = the fraction with cIoU ≥ 0.5, and AUC = {@code sklearn.metrics.auc} (trapezoid) of the
 * success rate at thresholds 0.05·i, i = 0..20. The VGG-SS ground truth is the union of the boxes ({@link #boxMask}).
 */
public final class Localization {
    private static final int AUC_STEPS = 20;

    private Localization() {
    }

    /** The two numbers LVS prints: {@code cIoU} (success rate at 0.5) and {@code auc}. */
    public record Summary(double ciouAt05, double auc) {
    }

    /** LVS's per-image cIoU of a heatmap (row-major, any size; LVS's is 224×224) against its ground-truth mask. */
    public static double ciou(float[] heatmap224, boolean[] gt224) {
        Inputs.requireScoresAndLabels(heatmap224, gt224);
        return ciou(inferredMask(heatmap224), gt224);
    }

    /** LVS {@code cal_CIOU} of an inferred mask: Σ(infer ∧ gt) / (Σ gt + Σ(infer ∧ ¬gt)). */
    public static double ciou(boolean[] inferred, boolean[] gt) {
        if (inferred.length != gt.length) {
            throw new IllegalArgumentException(inferred.length + " inferred pixels but " + gt.length + " in gt");
        }
        long hit = 0, truth = 0, extra = 0;
        for (int i = 0; i < gt.length; i++) {
            if (gt[i]) {
                truth++;
                if (inferred[i]) hit++;
            } else if (inferred[i]) {
                extra++;
            }
        }
        return hit / (double) (truth + extra);
    }

    /** LVS's inferred map: step 1 and 2 of the class comment, with its float32 arithmetic. */
    public static boolean[] inferredMask(float[] heatmap) {
        Inputs.requireFinite(heatmap);
        int n = heatmap.length;
        float vmin = Float.POSITIVE_INFINITY, vmax = Float.NEGATIVE_INFINITY; // of −heatmap
        for (float h : heatmap) {
            vmin = Math.min(vmin, -h);
            vmax = Math.max(vmax, -h);
        }
        float range = vmax - vmin;
        float[] pred = new float[n];
        for (int i = 0; i < n; i++) pred[i] = 1f - (range != 0 ? (-heatmap[i] - vmin) / range : -heatmap[i]);
        float[] sorted = pred.clone();
        Arrays.sort(sorted);
        float threshold = sorted[n / 2];
        boolean[] infer = new boolean[n];
        for (int i = 0; i < n; i++) infer[i] = pred[i] > threshold || pred[i] >= 1f;
        return infer;
    }

    /**
     * cIoU@0.5 and AUC over per-image cIoUs (NaN counts as a failure at every threshold).
     *
     * @throws IllegalArgumentException when there is no image
     */
    public static Summary summarize(double[] perImageCiou) {
        if (perImageCiou.length == 0) throw new IllegalArgumentException("no images");
        double[] x = new double[AUC_STEPS + 1], rate = new double[AUC_STEPS + 1];
        for (int i = 0; i <= AUC_STEPS; i++) {
            x[i] = 0.05 * i; // the Python doubles 0.05*i, e.g. 0.15000000000000002
            rate[i] = successRate(perImageCiou, x[i]);
        }
        double auc = 0;
        for (int i = 0; i < AUC_STEPS; i++) auc += (x[i + 1] - x[i]) * (rate[i + 1] + rate[i]) / 2.0; // np.trapz
        return new Summary(successRate(perImageCiou, 0.5), auc);
    }

    private static double successRate(double[] ciou, double threshold) {
        long n = 0;
        for (double c : ciou) if (c >= threshold) n++;
        return n / (double) ciou.length;
    }

    /**
     * The VGG-SS ground truth of LVS {@code testset_gt}: the union of boxes {x1, y1, x2, y2} in pixels, each filling
     * rows y1..y2−1 and columns x1..x2−1 (numpy's {@code temp[y1:y2, x1:x2] = 1}); coordinates are clamped to the image,
     * and a box with x2 ≤ x1 or y2 ≤ y1 is empty. LVS gets pixels from VGG-SS's normalised boxes as
     * {@code int(224·max(v, 0))}.
     *
     * @return an h·w row-major mask
     */
    public static boolean[] boxMask(int h, int w, int[][] boxes) {
        if (h < 0 || w < 0) throw new IllegalArgumentException("negative size " + h + "x" + w);
        boolean[] mask = new boolean[h * w];
        for (int[] b : boxes) {
            if (b.length != 4) throw new IllegalArgumentException("a box is {x1, y1, x2, y2}, got " + b.length + " values");
            int x1 = clamp(b[0], w), y1 = clamp(b[1], h), x2 = clamp(b[2], w), y2 = clamp(b[3], h);
            for (int y = y1; y < y2; y++) Arrays.fill(mask, y * w + x1, y * w + Math.max(x1, x2), true);
        }
        return mask;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(v, size));
    }
}
