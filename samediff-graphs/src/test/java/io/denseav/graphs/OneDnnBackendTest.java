package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parity tests run a second time on ND4J's oneDNN build (the {@code onednn} surefire execution of this module,
 * which bin/denseav selects for inference on AVX-512 CPUs). This test proves that execution really runs on it, and
 * that {@link HelperPolicy} leaves the helpers off after a matmul and on after any other op. In the default execution
 * it checks that graphs carry no policy on the generic build.
 */
class OneDnnBackendTest {
    @Test
    void theGenericBuildRunsWithoutThePolicy() {
        assumeTrue(!Boolean.getBoolean("denseav.expectOneDnn"), "only in the default execution");
        assertTrue(!HelperPolicy.oneDnnBuild());
        java.util.List<?> listeners = Graphs.create().getListeners();
        assertTrue(listeners == null || !listeners.contains(HelperPolicy.INSTANCE), "listeners: " + listeners);
    }

    @Test
    void theOneDnnExecutionRunsOnOneDnnUnderTheHelperPolicy() {
        assumeTrue(Boolean.getBoolean("denseav.expectOneDnn"), "only in the onednn execution (-Ddenseav.expectOneDnn=true)");
        Nd4j.create(1); // loads the backend
        String nd4j = Loader.getLoadedLibraries().get("nd4jcpu");
        assertTrue(nd4j != null && nd4j.contains("onednn"), "libnd4jcpu is not the oneDNN build (oneDNN is linked into it statically): " + nd4j);
        assertTrue(HelperPolicy.oneDnnBuild());

        SameDiff sd = Graphs.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 4, 8);
        SDVariable y = sd.mmul("y", x, sd.var("w", Nd4j.rand(DataType.FLOAT, 8, 8)));
        sd.nn().softmax("p", y, 1);
        INDArray in = Nd4j.rand(DataType.FLOAT, 4, 8);
        sd.output(Map.of("x", in), "y");
        assertTrue(!Nd4j.getEnvironment().helpersAllowed(), "helpers still on after a matmul");
        sd.output(Map.of("x", in), "p");
        assertTrue(Nd4j.getEnvironment().helpersAllowed(), "helpers still off after a softmax");
    }
}
