package io.denseav.evaluation.viz;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DenseAV's {@code blur_dim(sim_by_head, window=3, dim=-1)} (shared.py; reference §6.4 step 5), the smoothing over
 * audio time applied before plotting: a 3-tap Gaussian {@code exp(-x²/2)} at x = linspace(-2, 2, 3) = {-2, 0, 2},
 * normalised in float32 to ≈ [0.10651, 0.78699, 0.10651], with replicate padding at both ends ({@code F.pad(...,
 * mode="replicate")} then {@code F.conv1d}). A single time step is left unchanged.
 */
public final class TemporalBlur {
    /** The normalised float32 kernel, {@code k / k.sum()} with {@code k = exp(-x²/2)}. */
    private static final float[] KERNEL = kernel();

    private TemporalBlur() {
    }

    /** The kernel weights {k(-2), k(0), k(2)}. */
    public static float[] kernel() {
        float e = (float) Math.exp(-2.0); // exp(-(±2)²/2) in float32
        float sum = e + 1f + e;
        return new float[] {e / sum, 1f / sum, e / sum};
    }

    /** One series x[0..T) blurred; conv1d order {@code k0·x[t-1] + k1·x[t] + k2·x[t+1]}. */
    public static float[] blur(float[] x) {
        int n = x.length;
        float[] out = new float[n];
        for (int t = 0; t < n; t++) {
            float prev = x[Math.max(t - 1, 0)], next = x[Math.min(t + 1, n - 1)];
            out[t] = KERNEL[0] * prev + KERNEL[1] * x[t] + KERNEL[2] * next;
        }
        return out;
    }

    /** Maps [T][h][w] blurred over their first (time) axis. */
    public static float[][][] blurTime(float[][][] maps) {
        int n = maps.length;
        float[][][] out = new float[n][][];
        for (int t = 0; t < n; t++) {
            float[][] prev = maps[Math.max(t - 1, 0)], cur = maps[t], next = maps[Math.min(t + 1, n - 1)];
            if (prev.length != cur.length || next.length != cur.length) {
                throw new IllegalArgumentException("maps differ in size at time step " + t);
            }
            out[t] = new float[cur.length][];
            for (int y = 0; y < cur.length; y++) {
                if (prev[y].length != cur[y].length || next[y].length != cur[y].length) {
                    throw new IllegalArgumentException("maps differ in size at time step " + t);
                }
                out[t][y] = new float[cur[y].length];
                for (int x = 0; x < cur[y].length; x++) {
                    out[t][y][x] = KERNEL[0] * prev[y][x] + KERNEL[1] * cur[y][x] + KERNEL[2] * next[y][x];
                }
            }
        }
        return out;
    }

    /**
     * An array [..., T] (e.g. sim_by_head [nF, K, h, w, T_a]) blurred over its last axis; a new float32 array of the
     * same shape.
     */
    public static INDArray blurLastAxis(INDArray x) {
        if (x.rank() < 1) throw new IllegalArgumentException("expected an array [..., T], got a scalar");
        long[] shape = x.shape();
        int t = (int) shape[shape.length - 1];
        if (x.length() == 0) return x.castTo(DataType.FLOAT).dup();
        float[] flat = x.castTo(DataType.FLOAT).dup('c').reshape(x.length()).toFloatVector();
        float[] out = new float[flat.length];
        float[] series = new float[t];
        for (int off = 0; off < flat.length; off += t) {
            System.arraycopy(flat, off, series, 0, t);
            System.arraycopy(blur(series), 0, out, off, t);
        }
        return Nd4j.create(out, shape, 'c');
    }
}
