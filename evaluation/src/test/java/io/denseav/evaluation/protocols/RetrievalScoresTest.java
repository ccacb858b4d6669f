package io.denseav.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.DenseAv;
import io.denseav.graphs.MisaAggregator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The tiled-GEMM scores equal {@code DenseAv.scores} (SUM and per head), tiles and masks of every kind. */
class RetrievalScoresTest {
    /** Same dot products, other float32 summation orders (GEMM blocking, Σ over t as a matmul). */
    static final double REL_TOL = 2e-6;

    @Test
    void equalsDenseAvScoresOnTheReleasedShapes() {
        try (DenseAv model = DenseAv.random(0)) { // code 384, K = 2; no weights are read by scores()
            Nd4j.getRandom().setSeed(7);
            int clips = 9, images = 7, t = 11;
            INDArray a = Nd4j.randn(DataType.FLOAT, clips, 384, 1, t);
            INDArray v = Nd4j.randn(DataType.FLOAT, images, 384, 5, 6);
            INDArray mask = Nd4j.ones(DataType.FLOAT, clips, t);
            for (int j = 6; j < t; j++) mask.putScalar(1, j, 0);  // padding
            for (int j = 0; j < t; j++) mask.putScalar(4, j, 0);  // silent clip: mass clamped at 0.001
            mask.putScalar(7, 0, 0);
            INDArray sum = model.scores(a, mask, v, MisaAggregator.HeadAgg.SUM);
            INDArray perHead = model.scores(a, mask, v, null);
            assertClose(sum, RetrievalScores.sum(a, mask, v, 2));
            assertClose(perHead, RetrievalScores.perHead(a, mask, v, 2));
            // tiles of one clip x two images (edge tiles of one image), and tiles larger than the data
            assertClose(sum, RetrievalScores.compute(a, mask, v, 2, true, t, 60));
            assertClose(perHead, RetrievalScores.compute(a, mask, v, 2, false, 3 * t, 30));
            assertClose(sum, RetrievalScores.compute(a, mask, v, 2, true, 1 << 20, 1 << 20));
        }
    }

    private static void assertClose(INDArray want, INDArray got) {
        assertArrayEquals(want.shape(), got.shape());
        double scale = Math.max(1e-30, want.amaxNumber().doubleValue());
        double d = want.sub(got).amaxNumber().doubleValue() / scale;
        assertTrue(d <= REL_TOL, "max |d| / max |ref| = " + d);
    }
}
