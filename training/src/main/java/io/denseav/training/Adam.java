package io.denseav.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code torch.optim.Adam(lr, eps=1e-7)} with default betas and no weight decay (denseav-reference.md §5.2), applied
 * in place to the graph's variable arrays. Its state (first and second moments, step) is plain arrays, so a
 * checkpoint holds it exactly and a resumed run continues bit for bit.
 */
public final class Adam {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-7;

    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();

    /**
     * One update of {@code param} by {@code grad} at learning rate {@code lr}, as torch does it:
     * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps).
     */
    public void update(String name, INDArray param, INDArray grad, double lr) {
        INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zerosLike(param));
        INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zerosLike(param));
        long t = steps.merge(name, 1L, Long::sum);
        mi.muli(BETA1).addi(grad.mul(1 - BETA1));
        vi.muli(BETA2).addi(grad.mul(grad).muli(1 - BETA2));
        double bias1 = 1 - Math.pow(BETA1, t);
        double bias2 = Math.sqrt(1 - Math.pow(BETA2, t));
        INDArray denom = Transforms.sqrt(vi, true).divi(bias2).addi(EPS);
        param.subi(mi.div(denom).muli(lr / bias1));
    }

    /** The state as named arrays ({@code adam.m.<name>}, {@code adam.v.<name>}, {@code adam.t.<name>}). */
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("adam.m." + k, a));
        v.forEach((k, a) -> out.put("adam.v." + k, a));
        steps.forEach((k, t) -> out.put("adam.t." + k, Nd4j.createFromArray(new double[] {t})));
        return out;
    }

    /** Restores {@link #state()}. */
    public void load(Map<String, INDArray> state) {
        m.clear();
        v.clear();
        steps.clear();
        state.forEach((k, a) -> {
            if (k.startsWith("adam.m.")) m.put(k.substring(7), a.dup());
            else if (k.startsWith("adam.v.")) v.put(k.substring(7), a.dup());
            else if (k.startsWith("adam.t.")) steps.put(k.substring(7), (long) a.getDouble(0));
        });
    }
}
