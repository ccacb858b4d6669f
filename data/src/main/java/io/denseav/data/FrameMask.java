package io.denseav.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The audio validity mask at the aligned frame rate (denseav-reference.md §3, "Mask and time mapping"): the
 * per-sample mask resized to T_a by bilinear interpolation on {@code [1, 1, 1, N]} (torch F.interpolate,
 * align_corners=False), then {@code > 0.01}.
 */
public final class FrameMask {
    private FrameMask() {
    }

    /** {@code sampleMask [B, L]} (1 = real sample) → {@code [B, frames]} of 0/1 floats. */
    public static INDArray of(INDArray sampleMask, int frames) {
        double[][] v = resize(sampleMask, frames);
        float[][] out = new float[v.length][frames];
        for (int i = 0; i < v.length; i++) for (int t = 0; t < frames; t++) out[i][t] = v[i][t] > 0.01 ? 1f : 0f;
        return Nd4j.create(out);
    }

    /** The same bilinear resize without the threshold: the reference's "positive" (not spliced) mask (§3.5). */
    public static INDArray interpolated(INDArray sampleMask, int frames) {
        double[][] v = resize(sampleMask, frames);
        float[][] out = new float[v.length][frames];
        for (int i = 0; i < v.length; i++) for (int t = 0; t < frames; t++) out[i][t] = (float) v[i][t];
        return Nd4j.create(out);
    }

    private static double[][] resize(INDArray sampleMask, int frames) {
        int b = (int) sampleMask.size(0);
        int n = (int) sampleMask.size(1);
        float[][] in = sampleMask.castTo(DataType.FLOAT).toFloatMatrix();
        double[][] out = new double[b][frames];
        double scale = (double) n / frames;
        for (int t = 0; t < frames; t++) {
            double src = Math.max(scale * (t + 0.5) - 0.5, 0); // torch's linear source index, clamped at 0
            int i0 = Math.min((int) Math.floor(src), n - 1);
            int i1 = Math.min(i0 + 1, n - 1);
            double lambda = src - i0;
            for (int i = 0; i < b; i++) out[i][t] = (1 - lambda) * in[i][i0] + lambda * in[i][i1];
        }
        return out;
    }
}
