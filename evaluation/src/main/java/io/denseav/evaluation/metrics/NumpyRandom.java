package io.denseav.evaluation.metrics;

/**
 * numpy's legacy global generator ({@code np.random.seed(s)}, {@code RandomState}): MT19937 seeded by {@code
 * init_genrand} (numpy's {@code mt19937_seed}), with {@code permutation(n)} = {@code shuffle(arange(n))}, which swaps
 * {@code x[i]} with {@code x[random_interval(i)]} for i = n−1 down to 1. {@code random_interval(max)} draws 32-bit
 * words masked to the smallest all-ones mask ≥ max until one is ≤ max (numpy distributions.c, rejection sampling).
 */
final class NumpyRandom {
    private static final int N = 624, M = 397;
    private static final int MATRIX_A = 0x9908b0df, UPPER = 0x80000000, LOWER = 0x7fffffff;

    private final int[] mt = new int[N];
    private int pos;

    /** {@code np.random.seed(seed)} for a seed in [0, 2<sup>32</sup>). */
    NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) throw new IllegalArgumentException("seed must be in [0, 2^32), not " + seed);
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        pos = N;
    }

    /** {@code np.random.permutation(n)}. */
    int[] permutation(int n) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = i;
        for (int i = n - 1; i >= 1; i--) {
            int j = interval(i);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    /** numpy's {@code random_interval(max)} for 0 ≤ max < 2<sup>31</sup>: uniform in [0, max]. */
    int interval(int max) {
        if (max == 0) return 0;
        int mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        int value;
        do {
            value = nextInt() & mask;
        } while (value > max);
        return value;
    }

    /** The next 32-bit output (numpy's {@code mt19937_next32} / {@code genrand_int32}), as a Java int. */
    int nextInt() {
        if (pos >= N) generate();
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >>> 18);
    }

    private void generate() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        pos = 0;
    }
}
