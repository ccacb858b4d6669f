package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;

/** {@link FastErf} against torch.erf ({@code GraphSessionTest}: where sessions run it). */
class FastErfTest {
    /** test-fixtures/fit_erf.py: 3.2e-7 is the largest error of the float evaluation on [-6, 6]. */
    static final double MAX_ERROR = 4e-7;

    @Test
    void matchesTorchErf() {
        INDArray x = OpsParityTest.ops("erf_x");
        float[] want = OpsParityTest.ops("erf_out").toFloatVector();
        INDArray out = Nd4j.create(DataType.FLOAT, x.shape());
        assertTrue(FastErf.handles(x, out));
        FastErf.apply(x, out);
        float[] got = out.toFloatVector();
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i])) {
                assertTrue(Float.isNaN(got[i]), "erf(NaN) at " + i);
                continue;
            }
            worst = Math.max(worst, Math.abs(got[i] - (double) want[i]));
            assertTrue(Math.abs(got[i]) <= 1f, "|erf| ≤ 1 at " + i);
        }
        assertTrue(worst <= MAX_ERROR, "max |erf − torch.erf| = " + worst);
    }

    @Test
    void takesOnlyDenseFloatArrays() {
        INDArray m = Nd4j.rand(DataType.FLOAT, 6, 7);
        assertTrue(FastErf.handles(m, m));
        assertFalse(FastErf.handles(m.transpose(), Nd4j.create(DataType.FLOAT, 7, 6)), "strided view");
        assertFalse(FastErf.handles(m.castTo(DataType.DOUBLE), m.castTo(DataType.DOUBLE)), "doubles");
        INDArray row = m.getRow(2); // a dense view at an offset: the kernel reads from its first element
        INDArray out = Nd4j.create(DataType.FLOAT, 7);
        assertTrue(FastErf.handles(row, out));
        FastErf.apply(row, out);
        INDArray alone = Nd4j.create(DataType.FLOAT, 7);
        FastErf.apply(row.dup(), alone);
        assertArrayEquals(alone.toFloatVector(), out.toFloatVector());
    }
}
