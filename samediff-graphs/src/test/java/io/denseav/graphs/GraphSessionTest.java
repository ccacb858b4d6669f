package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.InferenceFactory;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link GraphSession} runs erf with {@link FastErf} where it takes the arrays, libnd4j's op otherwise; runs 1 and 2
 * come from planned slabs (arrays whose buffers view a larger one).
 */
class GraphSessionTest {
    @Test
    void erfRunsTheKernelOnFloatsAndLibnd4jOtherwise() {
        inPlannedSessions(sd -> {
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, 300, 1000); // over the parallel threshold: both threads
            SDVariable d = sd.placeHolder("d", DataType.DOUBLE, 4, 5);
            sd.math().erf("y", x.mul(2.0));
            sd.math().erf("yd", d);
        }, run -> {
            INDArray in = Nd4j.randn(DataType.FLOAT, 300, 1000);
            INDArray dbl = Nd4j.randn(DataType.DOUBLE, 4, 5);
            Map<String, INDArray> out = run.apply(Map.of("x", in, "d", dbl));
            INDArray kernel = Nd4j.create(DataType.FLOAT, 300, 1000);
            FastErf.apply(in.mul(2.0), kernel);
            assertArrayEquals(SessionMemoryCheck.floats(kernel), SessionMemoryCheck.floats(out.get("y")), "the kernel's floats");
            INDArray libnd4j = Nd4j.exec(new Erf(in.mul(2.0), in.ulike()));
            assertTrue(libnd4j.sub(out.get("y")).amaxNumber().doubleValue() <= FastErfTest.MAX_ERROR, "near libnd4j's erf");
            assertEquals(Nd4j.exec(new Erf(dbl, dbl.ulike())), out.get("yd"), "doubles: libnd4j's erf");
        }, "y", "yd");
    }

    /** Builds a graph under {@link Graphs#planActivations} and calls {@code check} on three runs of it. */
    private static void inPlannedSessions(java.util.function.Consumer<SameDiff> build,
                                          java.util.function.Consumer<java.util.function.Function<Map<String, INDArray>,
                                                  Map<String, INDArray>>> check, String... outputs) {
        InferenceFactory before = SameDiff.getInferenceFactory();
        Graphs.planActivations(16L << 20);
        try {
            SameDiff sd = Graphs.create();
            build.accept(sd);
            for (int run = 0; run < 3; run++) check.accept(ph -> sd.output(ph, outputs));
        } finally {
            SameDiff.bindInferenceFactory(before);
        }
    }
}
