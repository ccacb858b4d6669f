package io.denseav.training.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.DenseAv;
import io.denseav.graphs.Graphs;
import io.denseav.training.loss.InfoNce;
import io.denseav.training.loss.LossDims;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** The ComputationGraph form of DenseAV trains with fit and under ParallelWrapper (dl4j-samediff.md §4). */
class DenseAvComputationGraphTest {
    static final int BATCH = 4;
    static final int WORKERS = 2;

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = MicroModel.write(tmp.resolve("micro"), 11);
    }

    static ComputationGraph graph() {
        return DenseAvComputationGraph.builder().model(model).batch(BATCH).imageSize(MicroModel.IMAGE)
                .samples(MicroModel.SAMPLES).lora(true).updater(new Adam(1e-2)).seed(3).build();
    }

    @Test
    void fitLowersTheScoreAndTrainsExactlyTheWarmUpSetAndTheLora() {
        ComputationGraph net = graph();
        DataSet ds = MicroModel.batch(DenseAvComputationGraph.packedInput(net), BATCH, 5);
        assertTrue(net.numParams() > 0);
        assertEquals(trainableSize(), net.numParams());

        double before = net.score(ds);
        for (int i = 0; i < 6; i++) net.fit(ds);
        double after = net.score(ds);
        System.out.printf("fit: numParams %d, score %.4f -> %.4f%n", net.numParams(), before, after);
        assertTrue(after < before, "score falls: " + before + " -> " + after);

        // frozen weights are constants of the layer's graph, the very arrays of the cached model (no copy, no gradient)
        DenseAvLayer layer = DenseAvComputationGraph.layer(net);
        SameDiff sd = ((DenseAvLayerImpl) net.getLayer(DenseAvComputationGraph.LAYER)).graph();
        assertEquals(layer.trainableNames().size(),
                sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).count());
        for (String frozen : List.of("patch_embed.proj.weight", "encoder.layers.0.attention.q_proj.weight")) {
            assertEquals(VariableType.CONSTANT, sd.getVariable(frozen).getVariableType());
            assertSame(layer.loaded().weight(frozen), sd.getArrForVarName(frozen));
        }

        INDArray scores = net.outputSingle(ds.getFeatures());
        assertEquals(List.of((long) BATCH, (long) BATCH), List.of(scores.size(0), scores.size(1)));
        Map<String, INDArray> trained = DenseAvComputationGraph.trainedWeights(net);
        assertTrue(trained.containsKey(InfoNce.W_LOG));
        try (DenseAv exported = DenseAvComputationGraph.toDenseAv(net)) {
            trained.forEach((k, v) -> assertEquals(v, exported.weights().get(k), k + " is exported"));
        }
    }

    @Test
    void theConfigurationAndTheSavedNetworkRoundTrip() throws Exception {
        ComputationGraph net = graph();
        ComputationGraphConfiguration conf = net.getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson()); // as replicas are made
        assertEquals(conf, back);
        assertEquals(conf.getVertices().get(DenseAvComputationGraph.LAYER), back.getVertices().get(DenseAvComputationGraph.LAYER));
        assertEquals(conf.getVertices().get(DenseAvComputationGraph.OUTPUT), back.getVertices().get(DenseAvComputationGraph.OUTPUT));

        DataSet ds = MicroModel.batch(DenseAvComputationGraph.packedInput(net), BATCH, 13);
        net.fit(ds);
        Path saved = tmp.resolve("net.zip");
        net.save(saved.toFile(), true); // DL4J's ModelSerializer, as CheckpointListener writes it
        ComputationGraph restored = ComputationGraph.load(saved.toFile(), true);
        assertEquals(net.params(), restored.params());
        assertEquals(net.outputSingle(ds.getFeatures()), restored.outputSingle(ds.getFeatures()));
    }

    @Test
    void parallelWrapperWithTwoWorkersMovesEveryParameterAndLowersTheLoss() throws Exception {
        ComputationGraph net = graph();
        PackedInput in = DenseAvComputationGraph.packedInput(net);
        List<DataSet> fixed = List.of(MicroModel.batch(in, BATCH, 21), MicroModel.batch(in, BATCH, 22));
        assertTrue(net.numParams() > 0);
        assertEquals(trainableSize(), net.numParams());
        Map<String, INDArray> start = snapshot(net);
        double before = meanScore(net, fixed);

        List<DataSet> epoch = new ArrayList<>();
        for (int i = 0; i < 12; i++) epoch.addAll(fixed);
        try (ParallelWrapper pw = new ParallelWrapper.Builder<>(net).workers(WORKERS).prefetchBuffer(2).averagingFrequency(1)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).workspaceMode(WorkspaceMode.NONE).build()) {
            pw.fit(new ExistingDataSetIterator(epoch));
        }
        double after = meanScore(net, fixed);
        System.out.printf("ParallelWrapper: %d params, score %.4f -> %.4f%n", net.numParams(), before, after);
        assertTrue(after < before, "loss falls: " + before + " -> " + after);
        Map<String, INDArray> end = snapshot(net);
        assertEquals(start.keySet(), end.keySet());
        for (String k : start.keySet()) {
            double moved = end.get(k).sub(start.get(k)).amaxNumber().doubleValue();
            assertTrue(moved > 0, k + " did not change");
        }
        assertFalse(start.isEmpty());
    }

    @Test
    void gradientsAreThoseOfTheDenseAvSameDiffGraph() {
        ComputationGraph net = graph();
        PackedInput in = DenseAvComputationGraph.packedInput(net);
        for (int i = 0; i < 2; i++) net.fit(MicroModel.batch(in, BATCH, 8)); // LoRA B leaves 0: A gets a gradient
        DataSet ds = MicroModel.batch(in, BATCH, 9);
        net.setInput(0, ds.getFeatures());
        net.setLabel(0, ds.getLabels());
        net.computeGradientAndScore();
        Map<String, INDArray> dl4j = net.gradient().gradientForVariable();

        // the same loss as one plain SameDiff graph of the trained model, as io.denseav.training.TrainingGraph builds it
        try (DenseAv m = DenseAvComputationGraph.toDenseAv(net)) {
            SameDiff sd = Graphs.create();
            SDVariable image = sd.placeHolder("image", DataType.FLOAT, BATCH, 3, MicroModel.IMAGE, MicroModel.IMAGE);
            SDVariable audio = sd.placeHolder("audio", DataType.FLOAT, BATCH, MicroModel.SAMPLES);
            SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, BATCH, in.frames());
            int map = DenseAvComputationGraph.layer(net).mapSize();
            LossDims dims = new LossDims(BATCH, m.config().heads(), m.config().codeDim(), map, map, in.frames());
            SDVariable scores = InfoNce.scores(m.addAudioPath(sd, audio, BATCH, MicroModel.SAMPLES),
                    m.addImagePath(sd, image, BATCH, MicroModel.IMAGE, MicroModel.IMAGE, true), mask, dims);
            SDVariable loss = InfoNce.loss(scores, m.calibration(sd), BATCH);
            sd.setLossVariables(loss);
            INDArray x = ds.getFeatures();
            Map<String, INDArray> ph = Map.of(
                    "image", x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, in.audioOffset())).dup().reshape(BATCH, 3, MicroModel.IMAGE, MicroModel.IMAGE),
                    "audio", x.get(NDArrayIndex.all(), NDArrayIndex.interval(in.audioOffset(), in.maskOffset())).dup(),
                    "mask", x.get(NDArrayIndex.all(), NDArrayIndex.interval(in.maskOffset(), in.width())).dup());
            List<String> names = new ArrayList<>(DenseAvComputationGraph.layer(net).trainableNames());
            names.add(InfoNce.W_LOG);
            OutAndGrad ref = sd.calculateGradientsAndOutputs(ph, List.of(loss.name()), names);

            assertEquals(ref.getOutputs().get(loss.name()).getDouble(0), net.score(), 1e-5, "the score is the InfoNCE loss");
            assertEquals(names.size(), dl4j.size());
            for (String name : names) {
                String layer = name.equals(InfoNce.W_LOG) ? DenseAvComputationGraph.OUTPUT : DenseAvComputationGraph.LAYER;
                // DL4J's gradient is of the summed loss; its updater divides it by the minibatch size
                INDArray got = dl4j.get(layer + "_" + DenseAvModels.paramKey(name)).div(BATCH);
                INDArray want = ref.getGradients().get(name);
                double err = got.sub(want).amaxNumber().doubleValue();
                assertTrue(want.amaxNumber().doubleValue() > 0, name + " has a gradient");
                assertTrue(err <= 1e-4 * want.amaxNumber().doubleValue(), name + ": max error " + err);
            }
        }
    }

    /**
     * The trainable weights' size, counted from the checkpoint itself: the heads (less the image cls_layer, which
     * scores never read), the LoRA pairs, and sim_cal.w (in the output layer).
     */
    private static long trainableSize() {
        long n = 0;
        try (DenseAv m = DenseAvModels.materialize(DenseAv.load(model), MicroModel.IMAGE, MicroModel.SAMPLES)) {
            for (Map.Entry<String, INDArray> e : m.weights().entrySet()) {
                String k = e.getKey();
                boolean head = !k.startsWith("image_model.") && !k.startsWith("audio_model.") && !k.startsWith("image_aligner.cls_layer.");
                if (head || k.contains(".lora_")) n += e.getValue().length();
            }
        }
        return n;
    }

    private static Map<String, INDArray> snapshot(ComputationGraph net) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        net.paramTable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static double meanScore(ComputationGraph net, List<DataSet> batches) {
        return batches.stream().mapToDouble(net::score).average().orElseThrow();
    }
}
