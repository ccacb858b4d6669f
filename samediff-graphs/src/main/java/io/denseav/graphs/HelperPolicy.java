package io.denseav.graphs;

import java.util.Set;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ops may use libnd4j's platform helpers (oneDNN in the {@code -onednn-avx512} build): all but matmul.
 * samediff-speed.md §2 and §3.3: oneDNN's matmul runs at about 125 GFLOPS against OpenBLAS's 190, while its softmax is
 * 5× and its conv1d (HuBERT's positional conv) 3–4× faster than libnd4j's own. Attached by {@link Graphs#create()}
 * only when the oneDNN build is loaded (the generic one has no helpers to switch). Inference only: a gradient
 * function runs under whatever the switch was last set to, so on the oneDNN build a train-mode forward and the same
 * graph's inference can differ at float level (oneDNN's matmul against OpenBLAS's); the CLI trains on the generic
 * build. The switch is process-wide (flipped only when it changes): graphs run on several threads at once may see
 * each other's setting, which changes speed and float rounding, not results beyond that.
 */
public final class HelperPolicy extends BaseListener {
    /** The one instance; stateless apart from the backend's own switch. */
    public static final HelperPolicy INSTANCE = new HelperPolicy();
    /** libnd4j op names that run without helpers. */
    static final Set<String> WITHOUT_HELPERS = Set.of("matmul");

    private static final boolean ONEDNN_BUILD = loadedOneDnnBuild();

    private HelperPolicy() {
    }

    /** True when ND4J runs its oneDNN build ({@code -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512}). */
    public static boolean oneDnnBuild() {
        return ONEDNN_BUILD;
    }

    private static boolean loadedOneDnnBuild() {
        Nd4j.getEnvironment(); // loads the backend
        String lib = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("nd4jcpu");
        return lib != null && lib.contains("onednn");
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.INFERENCE;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        boolean allow = !WITHOUT_HELPERS.contains(op.getOp().opName());
        Environment env = Nd4j.getEnvironment();
        if (env.helpersAllowed() != allow) env.allowHelpers(allow);
    }
}
