package io.denseav.graphs;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The inference session that {@link Graphs}' process-wide settings give every SameDiff: M2.1's session with our
 * activation memory, which an {@link ActivationPlan} is told where each run begins and ends, and the {@code erf} op
 * computed by {@link FastErf} wherever it takes the arrays (libnd4j's otherwise).
 */
final class GraphSession extends InferenceSession {
    private final ActivationPlan plan; // null: the memory is not planned

    GraphSession(SameDiff sd, SessionMemMgr memory) {
        super(sd);
        setMmgr(memory);
        plan = memory instanceof ActivationPlan p ? p : null;
    }

    @Override
    public ExecutionResult output(List<String> variables, Map<String, INDArray> placeholders, Map<String, SDValue> values,
                                  MultiDataSet batch, Collection<String> required, List<Listener> listeners, At at) {
        if (plan == null) return super.output(variables, placeholders, values, batch, required, listeners, at);
        plan.beginRun();
        boolean ok = false;
        try {
            ExecutionResult r = super.output(variables, placeholders, values, batch, required, listeners, at);
            ok = true;
            return r;
        } finally {
            plan.endRun(ok);
        }
    }

    /** M2.1 runs a legacy op as {@code Nd4j.exec(op, oc)} into the output the session allocated; so does this. */
    @Override
    public ExecutionResult doExec(DifferentialFunction op, OpContext oc, FrameIter outputFrameIter, Set<VarId> opInputs,
                                  Set<VarId> allIterInputs, Set<String> constAndPhInputs,
                                  Map<String, SDValue> otherPlaceHolders) {
        if (op instanceof Erf && oc != null && oc.numInputArguments() == 1 && oc.numOutputArguments() == 1
                && FastErf.handles(oc.getInputArray(0), oc.getOutputArray(0))) {
            FastErf.apply(oc.getInputArray(0), oc.getOutputArray(0));
            return ExecutionResult.createFrom(op, oc);
        }
        return super.doExec(op, oc, outputFrameIter, opInputs, allIterInputs, constAndPhInputs, otherPlaceHolders);
    }
}
