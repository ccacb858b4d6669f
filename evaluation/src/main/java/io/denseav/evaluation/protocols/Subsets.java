package io.denseav.evaluation.protocols;

import io.denseav.evaluation.metrics.Recall;

/** The reference's evaluation subsets (§7: {@code np.random.seed(0); permutation(n)[:size]}, 1000 items). */
final class Subsets {
    /** The reference's subset size for retrieval and disentanglement. */
    static final int DEFAULT = 1000;
    static final long SEED = 0;

    private Subsets() {
    }

    /**
     * The indices of the subset of {@code n} items: {@code requested} items, or {@code min(fallback, n)} when
     * null (fallback ≤ 0: all items, in order). A request above {@code n} is an {@link EvaluationException}, or with
     * {@code atMost} takes all n.
     */
    static int[] choose(int n, Integer requested, boolean atMost, int fallback, String what) {
        if (atMost && requested != null && requested > n) requested = n;
        if (n == 0) throw new EvaluationException("no " + what + " to evaluate");
        if (requested != null && requested < 1) throw new EvaluationException("subset must be at least 1, not " + requested);
        if (requested != null && requested > n) {
            throw new EvaluationException("subset " + requested + " is larger than the data (" + n + " " + what + ")");
        }
        if (requested == null && fallback <= 0) return java.util.stream.IntStream.range(0, n).toArray();
        int size = requested != null ? requested : Math.min(fallback, n);
        return Recall.subset(n, size, SEED);
    }
}
