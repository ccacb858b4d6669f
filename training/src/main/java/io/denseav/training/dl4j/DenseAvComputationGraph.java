package io.denseav.training.dl4j;

import io.denseav.graphs.DenseAv;
import io.denseav.training.loss.InfoNce;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * DenseAV as a DL4J {@link ComputationGraph}: {@link DenseAvLayer} then {@link InfoNceOutputLayer}. It trains with
 * {@code fit}, DL4J listeners and early stopping, and data-parallel under ParallelWrapper (dl4j-samediff.md §4), which
 * rebuilds each replica from the configuration JSON; the frozen backbone weights are read once per JVM.
 *
 * <pre>{@code
 * ComputationGraph net = DenseAvComputationGraph.builder().model(Path.of("denseav_2head")).batch(10)
 *         .imageSize(224).samples(164_200).lora(true).build();
 * PackedInput in = DenseAvComputationGraph.packedInput(net);
 * net.fit(in.dataSet(images, audio, audioMask));               // or ParallelWrapper over an iterator of such sets
 * try (DenseAv trained = DenseAvComputationGraph.toDenseAv(net)) {
 *     ModelFiles.write(Path.of("out"), trained);                // the HF layout DenseAv.load reads
 * }
 * }</pre>
 *
 * Workspaces are off ({@code WorkspaceMode.NONE}): SameDiff layers allocate outside them, and SameDiffVertex's
 * backward breaks with them on (dl4j-samediff.md §4). Gradient clipping, the LR warm-up and the loss terms other than
 * InfoNCE of the full trainer ({@code io.denseav.training.Trainer}) are not part of this form.
 */
public final class DenseAvComputationGraph {
    public static final String INPUT = "packed";
    public static final String LAYER = "denseav";
    public static final String OUTPUT = "infonce";

    private DenseAvComputationGraph() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the graph; {@code model}, {@code batch}, {@code imageSize} and {@code samples} are required. */
    public static final class Builder {
        private String model;
        private int batch;
        private int imageSize;
        private int samples;
        private boolean lora;
        private boolean pool = true;
        private IUpdater updater = new Adam(5e-5, 0.9, 0.999, 1e-7); // DenseAV's Adam (no weight decay)
        private long seed = 0;

        /** A DenseAV checkpoint file or HF folder that {@link DenseAv#load} reads, visible to every worker. */
        public Builder model(Path path) {
            this.model = path.toAbsolutePath().normalize().toString();
            return this;
        }

        /** The static minibatch of every fit call (per ParallelWrapper worker). */
        public Builder batch(int batch) {
            this.batch = batch;
            return this;
        }

        public Builder imageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /** Also train the image LoRA pairs (DenseAV's phase 2); off: the warm-up set only. */
        public Builder lora(boolean lora) {
            this.lora = lora;
            return this;
        }

        /** The training mode's 2×2 pooling of the image map (default on, as the reference trains). */
        public Builder pool(boolean pool) {
            this.pool = pool;
            return this;
        }

        public Builder updater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public ComputationGraphConfiguration configuration() {
            if (model == null || batch < 1 || imageSize < 1 || samples < 1) {
                throw new IllegalStateException("model, batch, imageSize and samples are required");
            }
            DenseAvLayer layer = new DenseAvLayer(model, batch, imageSize, samples, lora, pool);
            DenseAv m = layer.loaded().model();
            double logScale = layer.loaded().weight(InfoNce.W_LOG).getDouble(0);
            InfoNceOutputLayer out = new InfoNceOutputLayer(batch, m.config().heads(), m.config().codeDim(), layer.mapSize(),
                    layer.frames(), logScale);
            return new NeuralNetConfiguration.Builder().seed(seed).updater(updater).dataType(DataType.FLOAT)
                    .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                    .graphBuilder()
                    .addInputs(INPUT).setInputTypes(InputType.feedForward(layer.packedInput().width()))
                    .addLayer(LAYER, layer, INPUT)
                    .addLayer(OUTPUT, out, LAYER)
                    .setOutputs(OUTPUT)
                    .build();
        }

        /** An initialised graph whose parameters start from the model's weights. */
        public ComputationGraph build() {
            ComputationGraph net = new ComputationGraph(configuration());
            net.init();
            return net;
        }
    }

    /** The DenseAV layer's configuration in {@code net}. */
    public static DenseAvLayer layer(ComputationGraph net) {
        return (DenseAvLayer) net.getLayer(LAYER).conf().getLayer();
    }

    /** How to pack inputs for {@code net}. */
    public static PackedInput packedInput(ComputationGraph net) {
        return layer(net).packedInput();
    }

    /** Copies of the trained parameters, keyed by their official checkpoint keys (sim_cal.w included). */
    public static Map<String, INDArray> trainedWeights(ComputationGraph net) {
        DenseAvLayer conf = layer(net);
        Map<String, String> keys = conf.loaded().model().variableKeys();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : conf.trainableNames()) {
            out.put(keys.get(name), net.getLayer(LAYER).getParam(DenseAvModels.paramKey(name)).dup());
        }
        out.put(keys.get(InfoNce.W_LOG), net.getLayer(OUTPUT).getParam(DenseAvModels.paramKey(InfoNce.W_LOG)).dup());
        return out;
    }

    /**
     * A fresh {@link DenseAv} read from the graph's model path with the trained parameters copied in: use it for
     * inference or export it with {@code ModelFiles.write}. The caller closes it.
     */
    public static DenseAv toDenseAv(ComputationGraph net) {
        DenseAvLayer conf = layer(net);
        DenseAv fresh = DenseAvModels.materialize(DenseAv.load(Path.of(conf.getModelPath())), conf.getImageSize(), conf.getSamples());
        Map<String, INDArray> weights = fresh.weights();
        trainedWeights(net).forEach((key, value) -> weights.get(key).assign(value));
        return fresh;
    }

    /** Frees the cached model at {@code path} once no graph will be built on it any more. */
    public static void release(Path path) {
        DenseAvModels.release(path.toString());
    }
}
