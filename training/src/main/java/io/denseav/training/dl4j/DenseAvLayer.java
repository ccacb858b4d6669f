package io.denseav.training.dl4j;

import io.denseav.graphs.DenseAv;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * DenseAV's image and audio paths as one DL4J layer: the same graph code as {@link DenseAv} (DINO + LoRA + image
 * aligner, HuBERT + audio CLS + audio aligner, denseav-reference.md §2-§3) inside a {@link SameDiffLayer}, so a
 * {@code ComputationGraph} of it trains with DL4J's listeners, early stopping and ParallelWrapper (dl4j-samediff.md §4).
 *
 * <p>Input: one packed row per example, {@code [image 3·S·S | audio L | aligned frame mask T_a]}
 * ({@link PackedInput}). Output: {@code [audio features code·T_a | image features code·h·w | frame mask T_a]} for
 * {@link InfoNceOutputLayer}. The graph code needs a static batch, so every minibatch must hold exactly
 * {@link #getBatch()} examples (per ParallelWrapper worker): drop or pad a last partial batch. The layer passes no
 * gradient to its input, so it is the network's first layer. The graphs are built in DenseAv's default mode (no
 * train-time dropout or SpecAugment).
 *
 * <p>The DL4J parameters are named after the graph variables (with '_' spelled '-', see
 * {@link DenseAvModels#paramKey}); {@code Params.var} finds an existing variable by name, so the DenseAV graph code
 * picks them up. They are the warm-up set (every weight outside the backbones) and, with {@link #isLora()}, the image
 * LoRA pairs. Every other weight becomes a SameDiff constant, shared by all replicas and given no gradient memory.
 * Weights come from the DenseAV model at {@link #getModelPath()} (a checkpoint or HF folder {@link DenseAv#load} reads).
 */
public class DenseAvLayer extends SameDiffLayer {
    private String modelPath;
    private int batch;
    private int imageSize;
    private int samples;
    private boolean lora;
    private boolean pool = true;

    /** For the configuration JSON (replicas, serialisation). */
    public DenseAvLayer() {
    }

    /**
     * @param pool the training mode's 2×2 average pooling of the image map (the reference trains with it)
     */
    public DenseAvLayer(String modelPath, int batch, int imageSize, int samples, boolean lora, boolean pool) {
        this.modelPath = modelPath;
        this.batch = batch;
        this.imageSize = imageSize;
        this.samples = samples;
        this.lora = lora;
        this.pool = pool;
    }

    DenseAvModels.Loaded loaded() {
        return DenseAvModels.get(modelPath, imageSize, samples);
    }

    /** Aligned audio frames T_a of a clip of {@link #getSamples()} samples. */
    public int frames() {
        return loaded().model().alignedFrames(samples);
    }

    /** Side of the (pooled) image feature map. */
    public int mapSize() {
        int grid = imageSize / loaded().model().config().image().patch();
        return pool ? grid / 2 : grid;
    }

    /** The layout of this layer's input rows. */
    public PackedInput packedInput() {
        return new PackedInput(imageSize, samples, frames());
    }

    /** Graph variable names of the DL4J parameters, in parameter order. */
    public List<String> trainableNames() {
        return loaded().trainable(lora);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        DenseAvModels.Loaded m = loaded();
        for (String name : m.trainable(lora)) params.addWeightParam(DenseAvModels.paramKey(name), m.weight(name).shape());
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        DenseAvModels.Loaded m = loaded();
        for (String name : m.trainable(lora)) params.get(DenseAvModels.paramKey(name)).assign(m.weight(name));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        DenseAvModels.Loaded m = loaded();
        DenseAv model = m.model();
        for (String name : m.trainable(lora)) {
            String key = DenseAvModels.paramKey(name);
            if (!key.equals(name)) sd.identity(name, params.get(key)); // the graph code looks the weight up by its name
        }
        PackedInput in = packedInput();
        // DL4J asks for dL/d(input) though nothing is upstream; cut it, so the backward pass runs only down to the
        // deepest trainable weight (no HuBERT backward in the warm-up: measured 2.1-2.7 s vs 3.1 s per 8 micro steps)
        SDVariable packed = new StopGradient(sd, input).outputVariable();
        SDVariable image = slice(packed, 0, in.audioOffset()).reshape(batch, 3, imageSize, imageSize);
        SDVariable audio = slice(packed, in.audioOffset(), in.maskOffset());
        SDVariable frameMask = slice(packed, in.maskOffset(), in.width());
        SDVariable imageFeats;
        SDVariable audioFeats;
        synchronized (model) { // replicas build their graphs on their own threads
            imageFeats = model.addImagePath(sd, image, batch, imageSize, imageSize, pool);
            audioFeats = model.addAudioPath(sd, audio, batch, samples);
        }
        List<String> frozen = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && !params.containsKey(v.name())) frozen.add(v.name());
        }
        for (String name : frozen) sd.convertToConstant(sd.getVariable(name));
        long code = model.config().codeDim();
        int t = in.frames();
        int map = mapSize();
        return sd.concat(1, audioFeats.reshape(batch, code * t), imageFeats.reshape(batch, code * map * map), frameMask);
    }

    private static SDVariable slice(SDVariable x, long from, long to) {
        return x.get(SDIndex.all(), SDIndex.interval(from, to));
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index, INDArray view,
                             boolean initialize, DataType dtype) {
        DenseAvLayerImpl layer = new DenseAvLayerImpl(conf, dtype); // works around two M2.1 bugs, see there
        layer.setIndex(index);
        layer.setParamsViewArray(view);
        layer.setParamTable(initializer().init(conf, view, initialize));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public void validateInput(INDArray input) {
        long width = packedInput().width();
        if (input.rank() != 2 || input.size(0) != batch || input.size(1) != width) {
            throw new IllegalArgumentException("DenseAvLayer takes full batches of packed rows [" + batch + ", " + width
                    + "], got " + java.util.Arrays.toString(input.shape()) + " (drop or pad a last partial batch)");
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(InfoNceOutputLayer.rowWidth(loaded().model().config().codeDim(), mapSize(), frames()));
    }

    @Override
    public DenseAvLayer clone() {
        return (DenseAvLayer) super.clone(); // only immutable fields: the shallow copy is complete
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseAvLayer l && super.equals(o) && Objects.equals(modelPath, l.modelPath) && batch == l.batch
                && imageSize == l.imageSize && samples == l.samples && lora == l.lora && pool == l.pool;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), modelPath, batch, imageSize, samples, lora, pool);
    }

    public String getModelPath() {
        return modelPath;
    }

    public void setModelPath(String modelPath) {
        this.modelPath = modelPath;
    }

    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    public int getImageSize() {
        return imageSize;
    }

    public void setImageSize(int imageSize) {
        this.imageSize = imageSize;
    }

    public int getSamples() {
        return samples;
    }

    public void setSamples(int samples) {
        this.samples = samples;
    }

    public boolean isLora() {
        return lora;
    }

    public void setLora(boolean lora) {
        this.lora = lora;
    }

    public boolean isPool() {
        return pool;
    }

    public void setPool(boolean pool) {
        this.pool = pool;
    }
}
