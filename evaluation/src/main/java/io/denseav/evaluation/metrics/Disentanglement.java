package io.denseav.evaluation.metrics;

/**
 * The two-head disentanglement metrics of reference §7.3 (DenseAV {@code train.py disentangle_validation}), for paired
 * per-head scores of speech items (Places, dataset 0) and sound items (AudioSet, dataset 1):
 * <ol>
 *   <li>each head column is min-max normalised over all items in float32, as the reference does in torch:
 *       {@code s −= min; s /= max(max(s), 1e-4)};</li>
 *   <li>AP[h][d] = {@link AveragePrecision} of head h's normalised score for membership of dataset d, and Act[h][d] =
 *       1 − mean normalised score of head h on the items of d;</li>
 *   <li>Pred. Dis. ({@code hp/ap_dis}) and Act. Dis. ({@code hp/act_dis}) take the better head↔dataset assignment:
 *       max(½(M[0][0] + M[1][1]), ½(M[0][1] + M[1][0])).</li>
 * </ol>
 */
public final class Disentanglement {
    /** The reference's {@code clamp_min(.0001)} on each column's range, in float32. */
    private static final float MIN_RANGE = 0.0001f;

    private Disentanglement() {
    }

    /** Both metrics with their 2×2 matrices, indexed [head][dataset], dataset 0 = speech, 1 = sound. */
    public record Result(double predDis, double actDis, double[][] ap, double[][] act) {
    }

    /**
     * @param headScores [N][2] paired per-head scores
     * @param isSound    per item, false = speech (Places), true = sound (AudioSet)
     * @throws IllegalArgumentException unless there are N equal-length rows of two finite scores
     */
    public static Result of(float[][] headScores, boolean[] isSound) {
        int n = headScores.length;
        if (n != isSound.length) throw new IllegalArgumentException(n + " score rows but " + isSound.length + " labels");
        if (n == 0) throw new IllegalArgumentException("no items");
        boolean[][] members = new boolean[2][n]; // [dataset][item]
        for (int i = 0; i < n; i++) {
            if (headScores[i].length != 2) {
                throw new IllegalArgumentException("row " + i + " has " + headScores[i].length + " heads, not 2");
            }
            members[0][i] = !isSound[i];
            members[1][i] = isSound[i];
        }
        double[][] ap = new double[2][2], act = new double[2][2];
        for (int h = 0; h < 2; h++) {
            float[] s = normalisedColumn(headScores, h);
            for (int d = 0; d < 2; d++) {
                ap[h][d] = AveragePrecision.of(s, members[d]);
                act[h][d] = 1 - mean(s, members[d]);
            }
        }
        return new Result(bestAssignment(ap), bestAssignment(act), ap, act);
    }

    private static float[] normalisedColumn(float[][] scores, int h) {
        float[] s = new float[scores.length];
        for (int i = 0; i < s.length; i++) s[i] = scores[i][h];
        Inputs.requireFinite(s);
        float min = s[0];
        for (float v : s) min = Math.min(min, v);
        float max = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] -= min;
            max = Math.max(max, s[i]);
        }
        float range = Math.max(max, MIN_RANGE);
        for (int i = 0; i < s.length; i++) s[i] /= range;
        return s;
    }

    /** The mean over the selected items; NaN when none is selected, as torch's mean of an empty tensor. */
    private static double mean(float[] s, boolean[] selected) {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < s.length; i++) {
            if (selected[i]) {
                sum += s[i];
                count++;
            }
        }
        return sum / count;
    }

    private static double bestAssignment(double[][] m) {
        return Math.max(0.5 * (m[0][0] + m[1][1]), 0.5 * (m[0][1] + m[1][0]));
    }
}
