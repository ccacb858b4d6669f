package io.denseav.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** {@code bench ... --profile}: wall time inside each op type over the timed runs (samediff-speed.md's per-op view). */
final class OpProfile extends BaseListener {
    private final Map<String, long[]> byOp = new HashMap<>(); // op name → {nanos, calls}
    private final boolean shapes = Boolean.getBoolean("denseav.profileShapes");
    private long start;
    private boolean on;

    void start() {
        byOp.clear();
        on = true;
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        start = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext, INDArray[] outputs) {
        long elapsed = System.nanoTime() - start; // before the key is built, which is not the op's time
        if (!on) return;
        String key = op.getOp().opName();
        if (shapes && opContext != null)
            key += opContext.getInputArrays().stream().map(a -> java.util.Arrays.toString(a.shape())).toList();
        long[] t = byOp.computeIfAbsent(key, k -> new long[2]);
        t[0] += elapsed;
        t[1]++;
    }

    /** The op types by total time, per run. */
    void print(PrintWriter out, int runs) {
        long total = byOp.values().stream().mapToLong(t -> t[0]).sum();
        out.printf("  in-op time per run %.0f ms; by op type (ms per run, calls per run):%n", total / 1e6 / runs);
        byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(Integer.getInteger("denseav.profileTop", 15))
                .forEach(e -> out.printf("    %-60s %8.1f %6d%n", e.getKey(), e.getValue()[0] / 1e6 / runs, e.getValue()[1] / runs));
    }
}
