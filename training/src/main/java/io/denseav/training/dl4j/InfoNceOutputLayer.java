package io.denseav.training.dl4j;

import io.denseav.training.loss.InfoNce;
import io.denseav.training.loss.LossDims;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DenseAV's symmetric InfoNCE with the learnable calibrator {@code sim_cal.w} (denseav-reference.md §3.4, §4.1) as a
 * DL4J output layer over {@link DenseAvLayer}'s rows {@code [audio code·T_a | image code·h·w | frame mask T_a]}: the
 * MISA score matrix {@code [b, b]} of the minibatch ({@link InfoNce#scores}), then {@link InfoNce#loss}. Labels are
 * ignored (see {@link #labelsRequired()}).
 *
 * <p><b>Semantic gap.</b> DenseAV gathers features across GPUs, so its negatives are the whole 4×10 batch. Under
 * ParallelWrapper each worker scores only its own minibatch, so the negatives are per worker (dl4j-samediff.md §4);
 * only the parameters and the Adam state are averaged.
 *
 * <p>The layer's output and loss variable is {@code b · loss}: DL4J divides the output by the minibatch size for the
 * score and every gradient by it in the updater, so the score is the InfoNCE loss and the step is that of the mean
 * loss, as in the reference. {@code network.output(x)} returns the {@code [b, b]} scores (audio rows, image columns).
 */
public class InfoNceOutputLayer extends SameDiffOutputLayer {
    /** The graph variable of the score matrix, the layer's activations. */
    public static final String SCORES = "scores";

    private int batch;
    private int heads;
    private int code;
    private int mapSize;
    private int frames;
    private double initialLogScale;

    /** For the configuration JSON (replicas, serialisation). */
    public InfoNceOutputLayer() {
    }

    /**
     * @param initialLogScale starting value of {@code sim_cal.w} (the checkpoint's, or log(cal_init) = 0)
     */
    public InfoNceOutputLayer(int batch, int heads, int code, int mapSize, int frames, double initialLogScale) {
        this.batch = batch;
        this.heads = heads;
        this.code = code;
        this.mapSize = mapSize;
        this.frames = frames;
        this.initialLogScale = initialLogScale;
    }

    /** Width of the packed feature rows. */
    static long rowWidth(long code, int mapSize, int frames) {
        return code * frames + code * mapSize * mapSize + frames;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(DenseAvModels.paramKey(InfoNce.W_LOG), 1);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(DenseAvModels.paramKey(InfoNce.W_LOG)).assign(initialLogScale);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels, Map<String, SDVariable> params) {
        long audioWidth = (long) code * frames;
        long imageWidth = (long) code * mapSize * mapSize;
        SDVariable audio = slice(input, 0, audioWidth).reshape(batch, code, 1, frames);
        SDVariable image = slice(input, audioWidth, audioWidth + imageWidth).reshape(batch, code, mapSize, mapSize);
        SDVariable frameMask = slice(input, audioWidth + imageWidth, audioWidth + imageWidth + frames);
        LossDims dims = new LossDims(batch, heads, code, mapSize, mapSize, frames);
        SDVariable scores = sd.identity(SCORES, InfoNce.scores(audio, image, frameMask, dims));
        SDVariable loss = InfoNce.loss(scores, params.get(DenseAvModels.paramKey(InfoNce.W_LOG)), batch);
        // DL4J's convention: a loss summed over the minibatch, which the score and the updater divide by its size
        SDVariable summed = loss.mul(batch);
        sd.setLossVariables(summed); // M2.1: backprop throws "No loss variables have been specified" without it
        return summed;
    }

    private static SDVariable slice(SDVariable x, long from, long to) {
        return x.get(SDIndex.all(), SDIndex.interval(from, to));
    }

    @Override
    public String activationsVertexName() {
        return SCORES;
    }

    /**
     * True although the loss reads no labels. M2.1 workaround: SameDiffOutputLayer's backprop always feeds a
     * "labels" placeholder, and with {@code labelsRequired() == false} there is none, so backprop fails with
     * "No variable/placeholder with name labels exists". Feed any {@code [b, n]} array ({@link PackedInput#dataSet}).
     */
    @Override
    public boolean labelsRequired() {
        return true;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(batch);
    }

    @Override
    public InfoNceOutputLayer clone() {
        return (InfoNceOutputLayer) super.clone(); // only primitive fields: the shallow copy is complete
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoNceOutputLayer l && super.equals(o) && batch == l.batch && heads == l.heads && code == l.code
                && mapSize == l.mapSize && frames == l.frames && initialLogScale == l.initialLogScale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), batch, heads, code, mapSize, frames, initialLogScale);
    }

    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public int getCode() {
        return code;
    }

    public void setCode(int code) {
        this.code = code;
    }

    public int getMapSize() {
        return mapSize;
    }

    public void setMapSize(int mapSize) {
        this.mapSize = mapSize;
    }

    public int getFrames() {
        return frames;
    }

    public void setFrames(int frames) {
        this.frames = frames;
    }

    public double getInitialLogScale() {
        return initialLogScale;
    }

    public void setInitialLogScale(double initialLogScale) {
        this.initialLogScale = initialLogScale;
    }
}
