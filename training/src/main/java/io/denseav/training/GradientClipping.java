package io.denseav.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference's {@code adaptive_clipping}: each parameter's gradient is scaled down on its own to an L2 norm of at
 * most {@code gradient_clipping} = 10 (denseav-reference.md §5.2; the "5× rolling average" rule there is dead code).
 */
public final class GradientClipping {
    public static final double DEFAULT_MAX_NORM = 10.0;

    private GradientClipping() {
    }

    /** Clips {@code grad} in place; returns its norm before clipping. */
    public static double clip(INDArray grad, double maxNorm) {
        double norm = grad.norm2Number().doubleValue();
        if (norm > maxNorm) grad.muli(maxNorm / norm);
        return norm;
    }
}
