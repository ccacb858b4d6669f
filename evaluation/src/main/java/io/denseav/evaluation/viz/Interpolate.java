package io.denseav.evaluation.viz;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * torch's {@code F.interpolate(x, size=(h, w), mode=..., align_corners=False)} of one [h, w] map, the resize DenseAV
 * applies to similarity maps before plotting ({@code plotting.py} uses bicubic; bilinear is the other mode of the
 * reference's heat maps). Both are separable: source coordinate {@code (i + 0.5) * in / out - 0.5}; bilinear clamps
 * it at 0 and takes the two neighbours, bicubic takes four taps of Keys' kernel with A = -0.75, clamping the tap
 * index to the map. No antialiasing (torch's default).
 * <p>
 * Rounding follows torch 1.13's CPU kernel ({@code UpSampleKernel.cpp}): the scale is float32, the source coordinate
 * double, the fraction float32, and the cubic's polynomials are evaluated with the two multiply-adds its x86-64
 * build fuses, which reproduces its weights bit for bit; sums are float32, so results agree to a few ulp.
 */
public final class Interpolate {
    /** The interpolation mode, as torch names it. */
    public enum Mode { BILINEAR, BICUBIC }

    /** torch's cubic convolution coefficient. */
    private static final float A = -0.75f;

    private Interpolate() {
    }

    /** {@code map} [h][w] resized to outH x outW. */
    public static float[][] resize(float[][] map, int outH, int outW, Mode mode) {
        Objects.requireNonNull(mode, "mode");
        int h = map.length, w = h == 0 ? 0 : map[0].length;
        if (h == 0 || w == 0) throw new IllegalArgumentException("empty map " + h + "x" + w);
        for (float[] row : map) {
            if (row.length != w) throw new IllegalArgumentException("ragged map: rows of " + w + " and " + row.length);
        }
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("output size " + outH + "x" + outW);
        Taps ys = mode == Mode.BILINEAR ? Taps.linear(h, outH) : Taps.cubic(h, outH);
        Taps xs = mode == Mode.BILINEAR ? Taps.linear(w, outW) : Taps.cubic(w, outW);
        float[][] out = new float[outH][outW];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                float acc = 0;
                for (int j = 0; j < ys.n; j++) {
                    float[] row = map[ys.index[oy * ys.n + j]];
                    float t = 0;
                    for (int i = 0; i < xs.n; i++) t += row[xs.index[ox * xs.n + i]] * xs.weight[ox * xs.n + i];
                    acc += t * ys.weight[oy * ys.n + j];
                }
                out[oy][ox] = acc;
            }
        }
        return out;
    }

    /** A rank-2 [h, w] array (or [1, 1, h, w]) resized to outH x outW. */
    public static float[][] resize(INDArray map, int outH, int outW, Mode mode) {
        return resize(toMatrix(map), outH, outW, mode);
    }

    /** The [h][w] values of a map given as [h, w] or with leading unit dimensions ([1, 1, h, w]). */
    public static float[][] toMatrix(INDArray map) {
        long[] s = map.shape();
        boolean ok = s.length >= 2;
        for (int d = 0; ok && d < s.length - 2; d++) ok = s[d] == 1;
        if (!ok) throw new IllegalArgumentException("expected a [h, w] map, got shape " + Arrays.toString(s));
        return map.reshape(s[s.length - 2], s[s.length - 1]).castTo(DataType.FLOAT).toFloatMatrix();
    }

    /** Per output position, n source indices and weights (torch's compute_indices_weights). */
    private record Taps(int n, int[] index, float[] weight) {
        static Taps linear(int in, int out) {
            float scale = (float) in / out; // area_pixel_compute_scale
            int[] idx = new int[2 * out];
            float[] wt = new float[2 * out];
            for (int o = 0; o < out; o++) {
                double real = Math.max(scale * (o + 0.5) - 0.5, 0); // area_pixel_compute_source_index, clamped at 0
                int i0 = (int) real;
                float l1 = Math.min(Math.max((float) (real - i0), 0f), 1f);
                idx[2 * o] = i0;
                idx[2 * o + 1] = i0 + (i0 < in - 1 ? 1 : 0);
                wt[2 * o] = 1f - l1;
                wt[2 * o + 1] = l1;
            }
            return new Taps(2, idx, wt);
        }

        static Taps cubic(int in, int out) {
            float scale = (float) in / out;
            int[] idx = new int[4 * out];
            float[] wt = new float[4 * out];
            for (int o = 0; o < out; o++) {
                double real = scale * (o + 0.5) - 0.5; // cubic: no clamp at 0
                int i0 = (int) Math.floor(real);
                float t = (float) (real - i0);
                float x2 = 1f - t;
                wt[4 * o] = cubic2(t + 1f);
                wt[4 * o + 1] = cubic1(t);
                wt[4 * o + 2] = cubic1(x2);
                wt[4 * o + 3] = cubic2(x2 + 1f);
                for (int k = 0; k < 4; k++) idx[4 * o + k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
            }
            return new Taps(4, idx, wt);
        }

        /** Keys' kernel for |x| ≤ 1. */
        private static float cubic1(float x) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }

        /** Keys' kernel for 1 < |x| < 2. */
        private static float cubic2(float x) {
            return Math.fma(Math.fma(A, x, -5 * A), x, 8 * A) * x - 4 * A; // ((A x - 5A) x + 8A) x - 4A
        }
    }
}
