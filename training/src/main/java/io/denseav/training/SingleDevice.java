package io.denseav.training;

import io.denseav.data.train.TrainingBatch;
import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.LossSampling;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One {@link TrainingGraph} per silence-term choice (sharing the model's weights) on the current device. */
final class SingleDevice implements GradientEngine {
    private final DenseAv model;
    private final TrainConfig config;
    private final int imageSize;
    private final int samples;
    private final Map<Boolean, TrainingGraph> graphs = new HashMap<>();

    SingleDevice(DenseAv model, TrainConfig config, int imageSize, int samples) {
        this.model = model;
        this.config = config;
        this.imageSize = imageSize;
        this.samples = samples;
    }

    private TrainingGraph graph(boolean silence) {
        return graphs.computeIfAbsent(silence, s -> new TrainingGraph(model, config, config.batchSize(), imageSize, samples, s));
    }

    @Override
    public DenseAv model() {
        return model;
    }

    @Override
    public int samples() {
        return samples;
    }

    @Override
    public Result gradients(TrainingBatch b, INDArray frameMask, INDArray positive, LossSampling sampling, int phase, Noise noise) {
        TrainingGraph g = graph(sampling.silenceApplies(frameMask));
        Map<String, INDArray> in = new HashMap<>();
        in.put(TrainingGraph.IMAGE, b.images());
        in.put(TrainingGraph.AUDIO, b.audio());
        in.putAll(g.lossInputs(frameMask, positive, b.source(), b.imageMasks(), sampling));
        if (noise.timeMask() != null) in.put(DenseAv.AUDIO_TIME_MASK, noise.timeMask());
        List<String> trainable = g.trainable(phase);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(noise.seed());
        OutAndGrad r = g.run(in, trainable);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : trainable) {
            INDArray grad = r.getGradients().get(name);
            if (grad != null) grads.put(name, grad);
        }
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String n : g.lossNames()) losses.put(n, r.getOutputs().get(n).getDouble(0));
        return new Result(losses, grads);
    }

    @Override
    public INDArray weight(String name) {
        return graphs.values().iterator().next().array(name); // the graphs share the model's arrays
    }
}
