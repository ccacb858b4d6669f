package io.denseav.cli;

import io.denseav.graphs.DenseAv;
import io.denseav.training.Presets;
import io.denseav.training.TrainConfig;
import io.denseav.training.TrainingGraph;
import io.denseav.training.loss.LossSampling;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav bench train}: forward + backward of one phase-2 training step (every loss term) on random inputs,
 * for the {@code tuxpaint-tiny} preset (batch 16, 224², its 2 s clips) and the released 2-head architecture
 * (ViT-S/8 + LoRA, HuBERT-Large fine-tuned, batch 2, 224², 10.26 s clips). Prints the median step time and samples/s
 * after a warm-up step; the optimiser update is not included (it is a few element-wise passes per weight).
 */
@Command(name = "train", description = "Time a training step (forward + backward, every loss term): tiny preset and the full model at batch 2.")
final class TrainBench implements Callable<Integer> {
    @Option(names = "--only", paramLabel = "tiny|full", description = "Only one configuration.")
    String only;
    @Option(names = "--runs", defaultValue = "3", description = "Timed steps, median reported (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--profile", description = "Also print the time inside each op type (forward and backward).")
    boolean profile;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (runs < 1) throw new BadInputException("--runs must be positive");
        if (only != null && !only.equals("tiny") && !only.equals("full")) throw new BadInputException("--only must be tiny or full");
        PrintWriter out = spec.commandLine().getOut();
        Presets.Preset p = Presets.tuxpaintTiny();
        if (only == null || only.equals("tiny")) {
            bench(out, "tuxpaint-tiny, batch 16", DenseAv.random(p.model(), 0), p.training(), 16, p.clipSamples());
        }
        if (only == null || only.equals("full")) {
            String name = "DenseAV-2head (ViT-S/8 + LoRA, HuBERT-L), batch 2";
            try {
                bench(out, name, DenseAv.random(0), TrainConfig.reference(0, 1), 2, DenseAv.RELEASED_CLIP_SAMPLES);
            } catch (OutOfMemoryError e) { // measured here: > 18 GB of native memory for one step
                out.printf("%-52s out of memory (%s); raise -Dorg.bytedeco.javacpp.maxphysicalbytes in DENSEAV_JAVA_OPTS if the machine has more%n",
                        name, e.getMessage());
            }
        }
        return 0;
    }

    private void bench(PrintWriter out, String name, DenseAv model, TrainConfig config, int batch, int samples) {
        TrainingGraph g = new TrainingGraph(model, config, batch, 224, samples, false);
        Nd4j.getRandom().setSeed(1);
        Map<String, INDArray> in = new HashMap<>();
        in.put(TrainingGraph.IMAGE, Nd4j.randn(DataType.FLOAT, batch, 3, 224, 224));
        in.put(TrainingGraph.AUDIO, Nd4j.randn(DataType.FLOAT, batch, samples));
        INDArray mask = Nd4j.zeros(DataType.FLOAT, batch, g.frames());
        mask.get(NDArrayIndex.all(), NDArrayIndex.interval(0, Math.max(1, g.frames() / 2))).assign(1);
        in.putAll(g.lossInputs(mask, mask.dup(), Nd4j.zeros(DataType.INT, batch), Nd4j.ones(DataType.FLOAT, batch, 1, 224, 224),
                new LossSampling(1)));
        INDArray timeMask = config.noise().timeMask(batch, model.config().audio().frames(samples), new java.util.SplittableRandom(1));
        if (timeMask != null) in.put(DenseAv.AUDIO_TIME_MASK, timeMask); // the reference's train mode: an input
        List<String> trainable = g.trainable(2);
        g.run(in, trainable); // warm-up: builds the gradient function
        OpProfile ops = new OpProfile();
        if (profile) { // the ops run in the gradient function, which holds its own listeners
            g.graph().getFunction("grad").addListeners(ops);
            g.run(in, trainable);
            ops.start();
        }
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            g.run(in, trainable);
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        double median = s[runs / 2];
        out.printf("%-52s %7.2f s/step  %6.2f samples/s  (%d trainable arrays; peak RSS so far %.2f GB)%n", name, median,
                batch / median, trainable.size(), BackboneBench.peakRssGb());
        if (profile) ops.print(out, runs);
    }
}
