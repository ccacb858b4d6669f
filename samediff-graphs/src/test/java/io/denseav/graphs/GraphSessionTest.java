package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
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
        SessionMemoryCheck.withSetting(() -> Graphs.planActivations(16L << 20), () -> {
            SameDiff sd = Graphs.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, 300, 1000); // over the parallel threshold: both threads
            SDVariable d = sd.placeHolder("d", DataType.DOUBLE, 4, 5);
            sd.math().erf("y", x.mul(2.0));
            sd.math().erf("yd", d);
            for (int run = 0; run < 3; run++) {
                INDArray in = Nd4j.randn(DataType.FLOAT, 300, 1000);
                INDArray dbl = Nd4j.randn(DataType.DOUBLE, 4, 5);
                Map<String, INDArray> out = sd.output(Map.of("x", in, "d", dbl), "y", "yd");
                INDArray kernel = Nd4j.create(DataType.FLOAT, 300, 1000);
                FastErf.apply(in.mul(2.0), kernel);
                assertArrayEquals(SessionMemoryCheck.floats(kernel), SessionMemoryCheck.floats(out.get("y")),
                        "the kernel's floats, run " + run);
                INDArray libnd4j = Nd4j.exec(new Erf(in.mul(2.0), in.ulike()));
                assertTrue(libnd4j.sub(out.get("y")).amaxNumber().doubleValue() <= FastErfTest.MAX_ERROR,
                        "near libnd4j's erf, run " + run);
                assertEquals(Nd4j.exec(new Erf(dbl, dbl.ulike())), out.get("yd"), "doubles: libnd4j's erf, run " + run);
            }
        });
    }
}
