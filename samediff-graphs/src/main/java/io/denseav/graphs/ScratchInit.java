package io.denseav.graphs;

import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How a weight starts when there is no checkpoint, by its key and shape.
 * <ul>
 *   <li>{@link #SMALL_NORMAL}: N(0, 0.02²) for everything, norm weights near 1 (1 + N(0, 0.1²)). Cheap and
 *       seed-stable; for benchmarks, shape tests and gradient checks. From scratch, the tiny model does not learn
 *       from it: InfoNCE stays at ln B (the torch probe given this init: 2.7726–2.7735 for 500 steps, S spread 0.02).</li>
 *   <li>{@link #TORCH_DEFAULT}: what the reference's modules start from in torch: Linear and Conv weights and their
 *       biases U(±1/√fan_in) (kaiming_uniform with a = √5, and the bias rule of {@code reset_parameters}), norm
 *       weights 1 and biases 0, {@code audio_cls} N(0, 1) ({@code torch.randn}), the ViT's {@code cls_token} and
 *       {@code pos_embed} N(0, 0.02²) (DINO's trunc_normal), HuBERT's weight-normed positional conv with
 *       g = ‖v‖ (what {@code weight_norm} sets when applied). Zeros stay zeros: {@code sim_cal.w}, peft's
 *       {@code lora_B}.</li>
 * </ul>
 */
public enum ScratchInit {
    SMALL_NORMAL, TORCH_DEFAULT;

    /**
     * A fresh array for {@code name}. {@code drawn} holds the weights drawn so far: a bias takes its fan-in from its
     * layer's weight, which the graphs always request first.
     */
    INDArray draw(String name, long[] shape, Random random, DataType dtype, Map<String, INDArray> drawn) {
        Nd4j.getRandom().setSeed(random.nextLong());
        if (name.equals("sim_cal.w") || name.contains(".lora_B.")) return Nd4j.zeros(dtype, shape); // w = 1; peft's B = 0
        boolean norm = shape.length == 1 && name.contains("norm");
        if (this == SMALL_NORMAL) {
            INDArray a = Nd4j.randn(dtype, shape).muli(norm ? 0.1 : 0.02);
            if (norm && name.endsWith("weight")) a.addi(1.0);
            if (name.endsWith("weight_g")) a = Transforms.abs(a, false).addi(1.0);
            return a;
        }
        if (norm) return name.endsWith("weight") ? Nd4j.ones(dtype, shape) : Nd4j.zeros(dtype, shape);
        if (name.equals("audio_cls")) return Nd4j.randn(dtype, shape);
        if (name.equals("cls_token") || name.equals("pos_embed")) return Nd4j.randn(dtype, shape).muli(0.02);
        if (name.endsWith("weight_g")) { // set from v below, whichever of the two a graph requests first
            INDArray v = drawn.get(name.replace("weight_g", "weight_v"));
            return v == null ? Nd4j.ones(dtype, shape) : weightNormG(v, shape);
        }
        long fanIn = name.endsWith("bias") ? fanIn(layerWeight(name, drawn)) : fanIn(shape);
        if (fanIn <= 0) return Nd4j.zeros(dtype, shape); // a bias whose weight was never drawn: start at 0
        double bound = 1.0 / Math.sqrt(fanIn);
        INDArray a = Nd4j.rand(dtype, shape).muli(2 * bound).subi(bound);
        INDArray g = name.endsWith("weight_v") ? drawn.get(name.replace("weight_v", "weight_g")) : null;
        if (g != null) g.assign(weightNormG(a, g.shape())); // the graph holds g itself: fill it in place
        return a;
    }

    /** weight_norm(dim = 2) on a Conv1d weight v [out, in/groups, k]: g[0, 0, j] = ‖v[:, :, j]‖. */
    private static INDArray weightNormG(INDArray v, long[] shape) {
        return Transforms.sqrt(v.mul(v).sum(0, 1), false).reshape(shape);
    }

    private static long[] layerWeight(String bias, Map<String, INDArray> drawn) {
        String stem = bias.substring(0, bias.length() - "bias".length());
        for (String w : new String[] {stem + "weight", stem + "weight_v"}) {
            if (drawn.containsKey(w)) return drawn.get(w).shape();
        }
        return null;
    }

    /** torch's fan-in of a weight [out, in, k…]: in · Πk (1 for a vector). */
    private static long fanIn(long[] shape) {
        if (shape == null) return 0;
        long f = 1;
        for (int i = 1; i < shape.length; i++) f *= shape[i];
        return f;
    }
}
