package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The global-pooling baseline's scores against the definition, written out element by element. */
class GlobalPoolAggregatorTest {
    @Test
    void perHeadScoresArePooledInnerProducts() {
        int k = 2, code = 6, clips = 3, t = 5, images = 4, hw = 7;
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.randn(DataType.DOUBLE, clips, code, 1, t);
        INDArray v = Nd4j.randn(DataType.DOUBLE, images, code, hw, 1);
        INDArray m = Nd4j.createFromArray(new double[][] {{1, 1, 0, 0, 0}, {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}});
        SameDiff sd = SameDiff.create();
        INDArray got = GlobalPoolAggregator.perHead(sd.constant(a), sd.constant(v), sd.constant(m), k, code, clips, t, images, hw).eval();
        for (int i = 0; i < clips; i++) {
            double mass = Math.max(m.getRow(i).sumNumber().doubleValue(), 0.001);
            for (int j = 0; j < images; j++) {
                for (int h = 0; h < k; h++) {
                    double s = 0;
                    for (int c = h * code / k; c < (h + 1) * code / k; c++) {
                        double pa = 0, pv = 0;
                        for (int x = 0; x < t; x++) pa += a.getDouble(i, c, 0, x) * m.getDouble(i, x);
                        for (int x = 0; x < hw; x++) pv += v.getDouble(j, c, x, 0);
                        s += pa / mass * (pv / hw);
                    }
                    assertEquals(s, got.getDouble(i, j, h), 1e-12, "clip " + i + " image " + j + " head " + h);
                }
            }
        }
    }
}
