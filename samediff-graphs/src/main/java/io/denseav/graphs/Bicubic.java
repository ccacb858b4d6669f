package io.denseav.graphs;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torch's bicubic interpolation (F.interpolate mode='bicubic', align_corners=False) as a matrix R[out, in], so
 * that resizing is {@code Ry·X·Rxᵀ}: exact and differentiable. M2.1 workaround: ND4J's resizeBicubic uses
 * Keys a = −0.5 (torch uses −0.75) and no resize op has a gradient.
 */
public final class Bicubic {
    /** torch's cubic convolution coefficient A. */
    static final double A = -0.75;

    private Bicubic() {
    }

    /**
     * The interpolation matrix for {@code in → out} samples. With {@code scaleFactor > 0} the source coordinate
     * uses that factor as torch does when scale_factor is passed (DINO's +0.1 trick), else in/out.
     */
    public static INDArray matrix(int in, int out, double scaleFactor) {
        double scale = scaleFactor > 0 ? 1.0 / scaleFactor : (double) in / out;
        double[][] r = new double[out][in];
        for (int o = 0; o < out; o++) {
            double real = scale * (o + 0.5) - 0.5; // area_pixel_compute_source_index, cubic: no clamp at 0
            int base = (int) Math.floor(real);
            double t = real - base;
            double[] w = {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
            for (int k = 0; k < 4; k++) {
                int idx = Math.min(Math.max(base - 1 + k, 0), in - 1); // torch clamps the tap index
                r[o][idx] += w[k];
            }
        }
        return Nd4j.create(r).castTo(DataType.FLOAT);
    }

    /** Keys kernel for |x| ≤ 1. */
    private static double cubic1(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Keys kernel for 1 < |x| < 2. */
    private static double cubic2(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
