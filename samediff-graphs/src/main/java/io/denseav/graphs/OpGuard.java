package io.denseav.graphs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;

/**
 * The ops that are broken in SameDiff 1.0.0-M2.1 (dl4j-samediff.md §2) and must never appear in a graph the
 * project builds: wrong results (tensorMmul, gelu, preciseGelu, layerNorm without eps, bicubic a = −0.5) or no
 * working backward pass (logSoftmax with a dimension, gather on an axis ≠ 0, dropout, resize, batchMmul).
 */
public final class OpGuard {
    /** libnd4j op names. */
    static final Set<String> FORBIDDEN = Set.of("tensormmul", "tensordot", "batched_gemm", "gelu", "precise_gelu", "layer_norm",
            "dropout", "dropout_inverted", "alpha_dropout", "resize_bilinear", "resize_bicubic",
            "resize_nearest_neighbor", "resize_area", "image_resize", "resize_images");

    private OpGuard() {
    }

    /** Every forbidden op in {@code sd}, as "opName (output names)". Empty if the graph is clean. */
    public static List<String> violations(SameDiff sd) {
        List<String> out = new ArrayList<>();
        for (DifferentialFunction f : sd.ops()) {
            String name = f.opName();
            boolean bad = FORBIDDEN.contains(name)
                    || (f instanceof LogSoftMax && hasDimension((LogSoftMax) f))
                    || (f instanceof Gather && gatherAxis((Gather) f) != 0);
            if (bad) out.add(name + " " + List.of(f.outputVariablesNames()));
        }
        return out;
    }

    private static boolean hasDimension(LogSoftMax op) {
        Object d = op.propertiesForFunction().get("dimension");
        return d != null;
    }

    /** The axis is Gather's first integer argument. */
    private static long gatherAxis(Gather op) {
        long[] args = op.iArgs();
        return args == null || args.length == 0 ? 0 : args[0];
    }
}
