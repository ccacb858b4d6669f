package io.denseav.evaluation.metrics;

import java.util.Arrays;

/**
 * Cross-modal retrieval recall@k (reference §7.2, DenseAV {@code train.py _calc_recalls}) on a square score matrix
 * S[a][v] whose true pairs are the diagonal, and the reference's evaluation subsets ({@code generate_subset}).
 *
 * <p><b>Ties.</b> The reference ranks with {@code torch.topk}, whose order among equal scores is an implementation
 * detail (torch 1.13 on CPU returns indices 2 and 4 for the top 2 of five equal values). Here the true item is in the
 * top k when fewer than k items score strictly higher than it, i.e. a tie is resolved in its favour. Without ties
 * (the usual case for float similarity sums) this is exactly the reference.
 */
public final class Recall {

    /** Which way retrieval goes. */
    public enum Direction {
        /** Per audio row, is the true image among the k best columns: the reference's {@code I_r@k}. */
        AUDIO_TO_IMAGE,
        /** Per image column, is the true audio among the k best rows: the reference's {@code A_r@k}. */
        IMAGE_TO_AUDIO
    }

    private Recall() {
    }

    /**
     * The fraction of queries whose true item ranks in the top k, for each k in {@code ks} (a k at or above the number
     * of items gives 1).
     *
     * @param scores [A][V] with A == V, row = audio, column = image, no NaN
     * @throws IllegalArgumentException for a non-square or empty matrix, a NaN score or a k below 1
     */
    public static double[] atK(float[][] scores, int[] ks, Direction dir) {
        int n = scores.length;
        if (n == 0) throw new IllegalArgumentException("empty score matrix");
        for (float[] row : scores) {
            if (row.length != n) throw new IllegalArgumentException("scores must be square, got a row of " + row.length
                    + " in " + n + " rows");
            for (float v : row) if (Float.isNaN(v)) throw new IllegalArgumentException("NaN score");
        }
        for (int k : ks) if (k < 1) throw new IllegalArgumentException("k must be at least 1, not " + k);
        long[] hits = new long[ks.length];
        for (int q = 0; q < n; q++) {
            float truth = scores[q][q];
            int higher = 0;
            for (int other = 0; other < n; other++) {
                float s = dir == Direction.AUDIO_TO_IMAGE ? scores[q][other] : scores[other][q];
                if (s > truth) higher++;
            }
            for (int i = 0; i < ks.length; i++) if (higher < ks[i]) hits[i]++;
        }
        double[] recall = new double[ks.length];
        for (int i = 0; i < ks.length; i++) recall[i] = hits[i] / (double) n;
        return recall;
    }

    /**
     * The reference's evaluation subset {@code np.random.seed(seed); np.random.permutation(n)[:size]} (train.py
     * {@code generate_subset}; §7 uses seed 0 for the 1000-item Places and AudioSet subsets), reproduced bit for bit
     * with numpy's legacy MT19937.
     *
     * @throws IllegalArgumentException unless 0 ≤ size ≤ n and 0 ≤ seed < 2<sup>32</sup>
     */
    public static int[] subset(int n, int size, long seed) {
        if (n < 0 || size < 0 || size > n) throw new IllegalArgumentException("need 0 <= size <= n, got size " + size
                + " of " + n);
        return Arrays.copyOf(new NumpyRandom(seed).permutation(n), size);
    }
}
