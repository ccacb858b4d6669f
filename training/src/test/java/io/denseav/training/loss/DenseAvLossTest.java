package io.denseav.training.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The loss builder's contract beyond the goldens: defaults, which terms are built, the calibrator, placeholders. */
class DenseAvLossTest {
    private static final LossDims DIMS = new LossDims(2, 2, 8, 2, 2, 300);

    @Test
    void defaultsAreTheCodeDefaults() {
        LossWeights w = LossWeights.defaults();
        assertEquals(List.of(1.0, 0.1, 0.01, 0.01, 0.01, 0.01, 0.0, 0.05, 0.1, 1.0), List.of(w.nce(), w.calBalance(),
                w.nonneg(), w.silenceL1(), w.negAudio(), w.tv(), w.disentangle(), w.specialization(), w.mixup(), w.calInit()));
        assertEquals(0.5, LossWeights.builder().disentangle(0.5).build().disentangle());
        assertThrows(IllegalArgumentException.class, () -> LossWeights.builder().tv(-1).build());
    }

    @Test
    void calibratorIsCreatedAtLogCalInitOrReused() {
        SameDiff sd = SameDiff.create();
        SDVariable w = InfoNce.calibration(sd, DataType.FLOAT, 2.0);
        assertEquals(InfoNce.W_LOG, w.name());
        assertEquals(Math.log(2.0), w.getArr().getDouble(0), 1e-7);
        assertSame(w, InfoNce.calibration(sd, DataType.FLOAT, 1.0), "the existing sim_cal.w (e.g. from the checkpoint)");
        assertEquals(0.0, CalibrationBalance.loss(sd.constant(Nd4j.scalar(0.3).reshape(1)), 1.0).eval().getDouble(0), 0.0,
                "no penalty above the initial scale");
    }

    /**
     * A trainer's graph: placeholders fed with LossSampling's rows. With the default weights disentanglement is off
     * (no source needed); 300 frames with 2·300 − 80 masked out give silence rows.
     */
    @Test
    void placeholderGraphWithSampledRows() {
        SameDiff sd = SameDiff.create();
        SDVariable audio = sd.placeHolder("audio", DataType.FLOAT, 2, 8, 1, 300);
        SDVariable image = sd.placeHolder("image", DataType.FLOAT, 2, 8, 2, 2);
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, 2, 300);
        SDVariable pos = sd.placeHolder("pos", DataType.FLOAT, 2, 300);
        SDVariable imageMask = sd.placeHolder("image_mask", DataType.FLOAT, 2, 1, 8, 8);
        SDVariable nnA = sd.placeHolder("nonneg_audio", DataType.INT, LossSampling.SAMPLES);
        SDVariable nnI = sd.placeHolder("nonneg_image", DataType.INT, LossSampling.SAMPLES);
        SDVariable sil = sd.placeHolder("silence", DataType.INT, LossSampling.SAMPLES);
        DenseAvLoss.Terms terms = DenseAvLoss.build(new DenseAvLoss.Inputs(audio, image, mask, pos, null, imageMask, nnA, nnI,
                sil, null), DIMS, LossWeights.defaults());
        assertEquals(List.of(DenseAvLoss.NCE, DenseAvLoss.CAL_BALANCE, DenseAvLoss.NONNEG, DenseAvLoss.SILENCE_L1,
                DenseAvLoss.NEG_AUDIO, DenseAvLoss.TV, DenseAvLoss.SPECIALIZE, DenseAvLoss.IMAGE_MIXUP), List.copyOf(terms.terms().keySet()));

        Nd4j.getRandom().setSeed(1);
        INDArray m = Nd4j.zeros(DataType.FLOAT, 2, 300);
        m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 40)).assign(1);
        LossSampling sampling = new LossSampling(7);
        LossSampling.Pairs pairs = sampling.nonNegativity(DIMS);
        Map<String, INDArray> feed = Map.of("audio", Nd4j.randn(DataType.FLOAT, 2, 8, 1, 300), "image", Nd4j.randn(DataType.FLOAT, 2, 8, 2, 2),
                "mask", m, "pos", Nd4j.ones(DataType.FLOAT, 2, 300).muli(0.5), "image_mask", Nd4j.ones(DataType.FLOAT, 2, 1, 8, 8),
                "nonneg_audio", Nd4j.createFromArray(pairs.audioRows()), "nonneg_image", Nd4j.createFromArray(pairs.imageRows()),
                "silence", Nd4j.createFromArray(sampling.silence(m)));
        sd.setLossVariables(terms.total().name());
        Map<String, INDArray> grads = sd.calculateGradients(feed, InfoNce.W_LOG);
        assertTrue(grads.get(InfoNce.W_LOG).getDouble(0) != 0.0, "the calibrator is trained");
        Map<String, INDArray> out = sd.output(feed, DenseAvLoss.IMAGE_MIXUP, DenseAvLoss.TOTAL);
        assertEquals(0.0, out.get(DenseAvLoss.IMAGE_MIXUP).getDouble(0), 0.0, "an all-positive image mask: no mixup penalty");
        assertTrue(Double.isFinite(out.get(DenseAvLoss.TOTAL).getDouble(0)));
    }

    @Test
    void termsThatNeedWhatIsMissingAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DenseAvLoss.build(bare(), DIMS, LossWeights.defaults()),
                "no non-negativity rows");
        LossWeights dis = LossWeights.builder().nonneg(0).disentangle(0.5).build();
        assertThrows(IllegalArgumentException.class, () -> DenseAvLoss.build(bare(), DIMS, dis), "no source labels");
        DenseAvLoss.Inputs in = bare();
        SDVariable source = in.audio().getSameDiff().constant(Nd4j.createFromArray(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Disentanglement.loss(in.audio(), source, new LossDims(2, 1, 8, 2, 2, 300)),
                "K odd");
        assertThrows(IllegalArgumentException.class, () -> QuadMixup.pool(in.frameMask(), 2, 7, 7, 2, 2), "7 is not a multiple of 2");
    }

    /** Features and a frame mask only, in a new graph. */
    private static DenseAvLoss.Inputs bare() {
        SameDiff sd = SameDiff.create();
        SDVariable audio = sd.var("audio", Nd4j.randn(DataType.FLOAT, 2, 8, 1, 300));
        SDVariable image = sd.var("image", Nd4j.randn(DataType.FLOAT, 2, 8, 2, 2));
        SDVariable mask = sd.constant(Nd4j.ones(DataType.FLOAT, 2, 300));
        return new DenseAvLoss.Inputs(audio, image, mask, null, null, null, null, null, null, null);
    }
}
