package io.denseav.graphs;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * The composed operations every graph uses. Each one replaces an M2.1 built-in that is wrong or has no gradient
 * (dl4j-samediff.md §2), and each is proven against torch by a graph-level test.
 */
public final class Ops {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Ops() {
    }

    /**
     * LayerNorm over {@code axis}: (x − mean)/sqrt(var + eps)·g + b with the biased variance, as torch.
     * M2.1 workaround: the built-in layerNorm has no epsilon (behaves as eps = 0).
     */
    public static SDVariable layerNorm(SDVariable x, int axis, SDVariable gain, SDVariable bias, double eps) {
        SDVariable centered = x.sub(x.mean(true, axis));
        SDVariable var = centered.mul(centered).mean(true, axis);
        SDVariable normed = centered.mul(x.getSameDiff().math().rsqrt(var.add(eps)));
        return normed.mul(gain).add(bias);
    }

    /**
     * Max over a leading {@code axis}, differentiable as Σ x·[x = max] / Σ [x = max] (the gradient goes to the
     * maximum, split evenly between exact ties). M2.1 workaround (speed): the built-in reduce_max backward over a
     * non-last axis is ~10× slower (measured: 390 vs 40 ms on the [2, 16, 11, 16, 196] head max of a training step).
     */
    public static SDVariable maxOver(SDVariable x, int axis, boolean keepDims) {
        SDVariable isMax = x.eq(x.max(true, axis)).castTo(x.dataType());
        return x.mul(isMax).sum(keepDims, axis).div(isMax.sum(keepDims, axis));
    }

    /**
     * Exact GELU, x·½·(1 + erf(x/√2)), as torch's nn.GELU(). M2.1 workaround: built-in gelu is the sigmoid
     * approximation and preciseGelu is buggy.
     */
    public static SDVariable gelu(SDVariable x) {
        SameDiff sd = x.getSameDiff();
        return x.mul(0.5).mul(sd.math().erf(x.mul(INV_SQRT2)).add(1.0));
    }

    /** torch Linear on 2-D activations: x·Wᵀ + b with W stored [out, in] (no transposed copy is made). */
    public static SDVariable linear(SDVariable x, SDVariable weight, SDVariable bias) {
        SDVariable y = x.getSameDiff().mmul(x, weight, false, true, false);
        return bias == null ? y : y.add(bias);
    }

    /** Softmax over the last axis (the built-in op has a working gradient). */
    public static SDVariable softmax(SDVariable x, int lastAxis) {
        return x.getSameDiff().nn().softmax(x, lastAxis);
    }

    /**
     * torch's weight_norm(dim=2): w = g·v/‖v‖ with the norm over dims 0 and 1, one gain per kernel tap. The squared
     * norms are summed by a GEMV, 1ᵀ·(v⊙v) over [out·in, K]: M2.1's norm2 over the leading dims of HuBERT's
     * [1024, 64, 128] took 33 ms per forward.
     */
    public static SDVariable weightNorm(SDVariable g, SDVariable v) {
        SameDiff sd = v.getSameDiff();
        long[] shape = v.getArr().shape(); // a weight: its array is there when the graph is built
        long rows = shape[0] * shape[1];
        SDVariable ones = sd.constant(org.nd4j.linalg.factory.Nd4j.ones(v.dataType(), 1, rows));
        SDVariable norm = sd.math().sqrt(ones.mmul(v.mul(v).reshape(rows, shape[2]))).reshape(1, 1, shape[2]);
        return v.mul(g.div(norm));
    }

    /**
     * torch Conv1d with groups on channels-last input: {@code x [B, T, C_in]}, {@code weight [C_out, C_in/groups, K]}
     * (torch layout), stride 1, zero padding {@code pad} → {@code [B, T + 2·pad − K + 1, C_out]}.
     * M2.1 workaround: conv1d has no groups, so the channels are split, convolved per group and concatenated.
     */
    public static SDVariable groupedConv1d(SDVariable x, SDVariable weight, int groups, long outChannels, int kernel, int pad) {
        SameDiff sd = x.getSameDiff();
        long per = outChannels / groups;
        Conv1DConfig conv = Conv1DConfig.builder().k(kernel).s(1).p(pad).d(1).dataFormat("NWC")
                .paddingMode(PaddingMode.VALID).build();
        SDVariable[] xs = groups == 1 ? new SDVariable[] {x} : sd.split(x, groups, 2);
        SDVariable[] ys = new SDVariable[groups];
        for (int j = 0; j < groups; j++) {
            // group j: out channels [j·per, (j+1)·per); weight [out, in, k] → conv1d's [k, in, out]
            SDVariable wj = weight.get(SDIndex.interval((long) j * per, (long) (j + 1) * per), SDIndex.all(), SDIndex.all())
                    .permute(2, 1, 0);
            ys[j] = sd.cnn().conv1d(xs[j], wj, conv);
        }
        return groups == 1 ? ys[0] : sd.concat(2, ys);
    }
}
