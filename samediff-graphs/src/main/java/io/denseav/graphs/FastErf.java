package io.denseav.graphs;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * erf of a float32 array as a loop the JIT vectorises: about 1 ms for HuBERT-Large's [512, 4096] GELU input on two
 * cores, where libnd4j's scalar erf takes 8–16 ms. Exact GELU's erf was 11% of HuBERT-Large's time (samediff-speed.md
 * §4), 0.38 s per forward. {@link GraphSession} runs it in place of the {@code erf} op.
 *
 * <p>erf(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 3.9, where the float erf already rounds to ±1 beyond; P has degree 6 and Q degree
 * 4 in x², fitted toward minimax by {@code test-fixtures/fit_erf.py}: max |error| 4.0e-8 in exact arithmetic and
 * 3.2e-7 (about 5 float ulps of 1) as evaluated here. {@code FastErfTest} holds it to torch.erf.
 */
final class FastErf {
    private static final float LIMIT = 3.9f;
    private static final float P0 = 1.128378799579846f, P1 = 0.2042255345568719f, P2 = 0.05114899158185645f,
            P3 = 0.0038963159488640351f, P4 = 0.00014747646127466211f, P5 = -1.9969450782359983e-06f,
            P6 = 2.0118898628512913e-08f;
    private static final float Q1 = 0.51431917958887852f, Q2 = 0.11678578484736395f, Q3 = 0.014730553783517774f,
            Q4 = 0.0010066144497740904f;
    /** Floats copied at a time between native memory and the Java array the loop runs on (64 KB, cache resident). */
    private static final int BLOCK = 16_384;
    /** Arrays below this many floats run on the calling thread alone. */
    private static final long PARALLEL_FROM = 1 << 17;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    private FastErf() {
    }

    /** Whether {@link #apply} takes this pair: float32, the same length, each laid out densely in C order. */
    static boolean handles(INDArray in, INDArray out) {
        return in.dataType() == DataType.FLOAT && out.dataType() == DataType.FLOAT && in.length() == out.length()
                && dense(in) && dense(out);
    }

    private static boolean dense(INDArray a) {
        return !a.isEmpty() && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a);
    }

    /** out = erf(in); {@code in} and {@code out} may be the same array. Requires {@link #handles}. */
    static void apply(INDArray in, INDArray out) {
        long n = in.length();
        FloatPointer src = new FloatPointer(in.data().addressPointer());
        FloatPointer dst = new FloatPointer(out.data().addressPointer());
        // M2.1: addressPointer() is at the array's first element (INDArray.offset() is its buffer's offset, included)
        long srcStart = src.position();
        long dstStart = dst.position();
        int parts = n < PARALLEL_FROM ? 1 : Parallel.THREADS;
        long per = (n + parts - 1) / parts;
        Parallel.run(parts, i -> range(src, srcStart, dst, dstStart, i * per, Math.min(n, (i + 1) * per)));
    }

    private static void range(FloatPointer src, long srcStart, FloatPointer dst, long dstStart, long from, long to) {
        float[] block = SCRATCH.get();
        FloatPointer s = new FloatPointer(src);
        FloatPointer d = new FloatPointer(dst);
        for (long o = from; o < to; o += BLOCK) {
            int m = (int) Math.min(BLOCK, to - o);
            s.position(srcStart + o).get(block, 0, m);
            erf(block, m);
            d.position(dstStart + o).put(block, 0, m);
        }
    }

    /** In place on {@code a[0, m)}: branch-free, so that C2 vectorises it (fma, min, max and divide all vectorise). */
    static void erf(float[] a, int m) {
        for (int i = 0; i < m; i++) {
            float x = Math.max(-LIMIT, Math.min(LIMIT, a[i])); // NaN stays NaN
            float t = x * x;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P6, t, P5), t, P4), t, P3), t, P2), t, P1), t, P0);
            float q = Math.fma(Math.fma(Math.fma(Math.fma(Q4, t, Q3), t, Q2), t, Q1), t, 1f);
            a[i] = Math.max(-1f, Math.min(1f, x * p / q));
        }
    }
}
