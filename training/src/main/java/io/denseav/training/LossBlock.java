package io.denseav.training;

import io.denseav.graphs.DenseAv;
import io.denseav.graphs.GlobalPoolAggregator;
import io.denseav.training.loss.DenseAvLoss;
import io.denseav.training.loss.LossDims;
import io.denseav.training.loss.LossSampling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every loss term of DenseAV (denseav-reference.md §4) attached to a graph's audio and image features, with the
 * batch's masks and the regularisers' sampled rows as placeholders. Shared by the single-graph trainer
 * ({@link TrainingGraph}) and the gathered loss of data-parallel training ({@link DataParallel}), so both compute
 * the very same loss.
 */
final class LossBlock {
    static final String FRAME_MASK = "frame_mask";
    static final String POS_MASK = "pos_mask";
    static final String SOURCE = "source";
    static final String IMAGE_MASK = "image_mask";
    static final String NONNEG_AUDIO = "nonneg_audio_rows";
    static final String NONNEG_IMAGE = "nonneg_image_rows";
    static final String SILENCE = "silence_rows";

    private final LossDims dims;
    private final boolean silence;
    private final List<String> names = new ArrayList<>();

    /**
     * @param silence whether the silence-L1 term is built: the reference applies it only to batches with at least 250
     *                masked-out frames, so a trainer keeps one graph with it and one without
     */
    LossBlock(SDVariable audioFeats, SDVariable imageFeats, DenseAv model, TrainConfig config, LossDims dims,
              int imageSize, boolean silence) {
        SameDiff sd = audioFeats.getSameDiff();
        int b = dims.batch();
        int t = dims.t();
        this.dims = dims;
        this.silence = silence;
        DenseAvLoss.Inputs in = new DenseAvLoss.Inputs(audioFeats, imageFeats,
                sd.placeHolder(FRAME_MASK, DataType.FLOAT, b, t), sd.placeHolder(POS_MASK, DataType.FLOAT, b, t),
                sd.placeHolder(SOURCE, DataType.FLOAT, b), sd.placeHolder(IMAGE_MASK, DataType.FLOAT, b, 1, imageSize, imageSize),
                sd.placeHolder(NONNEG_AUDIO, DataType.INT, LossSampling.SAMPLES),
                sd.placeHolder(NONNEG_IMAGE, DataType.INT, LossSampling.SAMPLES),
                silence ? sd.placeHolder(SILENCE, DataType.INT, LossSampling.SAMPLES) : null, model.calibration(sd));
        DenseAvLoss.Terms terms = DenseAvLoss.build(in, dims, config.losses(), GlobalPoolAggregator.NAME.equals(config.simAgg()));
        sd.setLossVariables(terms.total());
        names.add(terms.total().name());
        names.addAll(terms.terms().keySet());
    }

    /** Names of the logged loss outputs, the total first. */
    List<String> names() {
        return names;
    }

    LossDims dims() {
        return dims;
    }

    boolean hasSilenceTerm() {
        return silence;
    }

    /** The batch's masks and the loss's sampled rows as placeholder values. */
    Map<String, INDArray> inputs(INDArray frameMask, INDArray positive, INDArray source, INDArray imageMask,
                                 LossSampling sampling) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(FRAME_MASK, frameMask);
        m.put(POS_MASK, positive);
        m.put(SOURCE, source.castTo(DataType.FLOAT));
        m.put(IMAGE_MASK, imageMask);
        LossSampling.Pairs p = sampling.nonNegativity(dims);
        m.put(NONNEG_AUDIO, Nd4j.createFromArray(p.audioRows()));
        m.put(NONNEG_IMAGE, Nd4j.createFromArray(p.imageRows()));
        if (silence) m.put(SILENCE, Nd4j.createFromArray(sampling.silence(frameMask)));
        return m;
    }
}
