package io.denseav.training;

import io.denseav.graphs.DenseAv;
import io.denseav.graphs.Graphs;
import io.denseav.training.loss.LossDims;
import io.denseav.training.loss.LossSampling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One SameDiff graph of DenseAV's training step (denseav-reference.md §4, §5): images and clips in, the image and
 * audio paths of {@link DenseAv} (weights are graph variables named by their canonical keys), then every loss term.
 * Which variables train depends on the phase: warm-up trains the aligners, {@code sim_cal} and {@code audio_cls};
 * phase 2 adds the image LoRA (or the whole image backbone) and, unless frozen, all of HuBERT.
 */
public final class TrainingGraph {
    public static final String IMAGE = "image";
    public static final String AUDIO = "audio";

    private final DenseAv model;
    private final TrainConfig config;
    private final SameDiff sd;
    private final int batch;
    private final int frames;
    private final int mapSize;
    private final Map<String, String> component; // variable → image | lora | audio | head
    private final LossBlock loss;

    /**
     * @param silence whether the silence-L1 term is in the graph: the reference applies it only to batches with at
     *                least 250 masked-out frames, so a trainer keeps one graph with it and one without (sharing weights)
     */
    public TrainingGraph(DenseAv model, TrainConfig config, int batch, int imageSize, int samples, boolean silence) {
        this.model = model;
        this.config = config;
        this.batch = batch;
        this.sd = Graphs.create();
        Features f = addPaths(sd, model, config, batch, imageSize, samples);
        this.frames = model.alignedFrames(samples);
        this.mapSize = mapSize(model, config, imageSize);
        this.loss = new LossBlock(f.audio(), f.image(), model, config, lossDims(model, config, batch, imageSize, samples),
                imageSize, silence);
        this.component = components(model);
    }

    /** The aligned features of a training graph: audio {@code [B, code, 1, T_a]}, image {@code [B, code, h, w]}. */
    record Features(SDVariable audio, SDVariable image) {
    }

    /**
     * Both paths of {@code model} into {@code sd} in the config's train mode, on the {@link #IMAGE} {@code [b, 3, S, S]}
     * and {@link #AUDIO} {@code [b, L]} placeholders.
     */
    static Features addPaths(SameDiff sd, DenseAv model, TrainConfig config, int b, int imageSize, int samples) {
        config.noise().attach(sd);
        SDVariable image = sd.placeHolder(IMAGE, DataType.FLOAT, b, 3, imageSize, imageSize);
        SDVariable audio = sd.placeHolder(AUDIO, DataType.FLOAT, b, samples);
        SDVariable imageFeats = model.addImagePath(sd, image, b, imageSize, imageSize, config.trainPooling());
        return new Features(model.addAudioPath(sd, audio, b, samples), imageFeats);
    }

    /** The loss's dimensions for a batch of {@code batch} at {@code imageSize} and {@code samples}. */
    static LossDims lossDims(DenseAv model, TrainConfig config, int batch, int imageSize, int samples) {
        int map = mapSize(model, config, imageSize);
        return new LossDims(batch, model.config().heads(), model.config().codeDim(), map, map, model.alignedFrames(samples));
    }

    /** Graph variable name → image | lora | audio | head, for every weight the model's graphs use. */
    static Map<String, String> components(DenseAv model) {
        Map<String, String> out = new LinkedHashMap<>();
        model.variableKeys().forEach((name, key) -> out.put(name, componentOf(key, model)));
        return out;
    }

    /** Side of the (pooled) image feature map at {@code imageSize}. */
    static int mapSize(DenseAv model, TrainConfig config, int imageSize) {
        int grid = imageSize / model.config().image().patch();
        return config.trainPooling() ? grid / 2 : grid;
    }

    static String componentOf(String key, DenseAv model) {
        if (key.startsWith(model.imagePrefix())) return key.contains(".lora_") ? "lora" : "image";
        if (key.startsWith(DenseAv.AUDIO_PREFIX)) return "audio";
        return "head";
    }

    /** Aligned frames T_a of the clips. */
    public int frames() {
        return frames;
    }

    /** Side of the (pooled) image feature map. */
    public int mapSize() {
        return mapSize;
    }

    public int batch() {
        return batch;
    }

    public SameDiff graph() {
        return sd;
    }

    /** Names of the logged loss outputs, the total first. */
    public List<String> lossNames() {
        return loss.names();
    }

    /** The variables that train in {@code phase} (1 or 2), in graph order. */
    public List<String> trainable(int phase) {
        return trainable(phase, config, component, sd);
    }

    static List<String> trainable(int phase, TrainConfig config, Map<String, String> component, SameDiff sd) {
        List<String> out = new ArrayList<>();
        component.forEach((name, c) -> {
            boolean on = switch (c) {
                case "head" -> true;
                case "lora" -> phase == 2 && config.imageBackbone() != TrainConfig.ImageTraining.NONE;
                case "image" -> phase == 2 && config.imageBackbone() == TrainConfig.ImageTraining.ALL;
                case "audio" -> phase == 2 && config.finetuneAudio();
                default -> false;
            };
            if (on && sd.hasVariable(name)) out.add(name);
        });
        return out;
    }

    /** Every variable's current array (the weights), by graph name. */
    public INDArray array(String name) {
        return sd.getArrForVarName(name);
    }

    /** Forward and backward of one batch: the loss outputs and the gradients of {@code trainable}. */
    public OutAndGrad run(Map<String, INDArray> inputs, List<String> trainable) {
        return io.denseav.graphs.Graphs.gradients(sd, inputs, loss.names(), trainable); // M2.1's own turns the array cache off
    }

    /** The loss's sampled rows and the batch's masks as placeholder values. */
    public Map<String, INDArray> lossInputs(INDArray frameMask, INDArray positive, INDArray source, INDArray imageMask,
                                            LossSampling sampling) {
        return loss.inputs(frameMask, positive, source, imageMask, sampling);
    }

    public boolean hasSilenceTerm() {
        return loss.hasSilenceTerm();
    }

    public DenseAv model() {
        return model;
    }
}
