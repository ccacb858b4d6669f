package io.denseav.cli;

import io.denseav.graphs.DenseAv;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav bench inference}: the whole DenseAV-2head pipeline on one 224² image and one 10.2625 s clip
 * (backbones, aligners, paired volume, heatmap, per-head scores), median ms over runs after two warm-ups.
 */
@Command(name = "inference", description = "Time full DenseAV-2head on one 224² image and a 10.2625 s clip.")
final class InferenceBench implements Callable<Integer> {
    @Option(names = "--model", description = "A DenseAV checkpoint (default: the released architecture, random weights).")
    Path model;
    @Option(names = "--runs", defaultValue = "5", description = "Timed runs (median reported; default ${DEFAULT-VALUE}).")
    int runs;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (DenseAv m = model == null ? DenseAv.random(0) : DenseAv.load(ModelPaths.resolve(model))) {
            INDArray image = Nd4j.randn(DataType.FLOAT, 1, 3, 224, 224);
            INDArray audio = Nd4j.randn(DataType.FLOAT, 1, BackboneBench.DENSEAV_SAMPLES);
            int ta = m.alignedFrames(BackboneBench.DENSEAV_SAMPLES);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 1, ta);
            java.util.List<long[]> stages = new java.util.ArrayList<>(); // per call: image, audio, the rest (ns)
            Runnable pipeline = () -> {
                long t0 = System.nanoTime();
                INDArray v = m.imageFeatures(image);
                long t1 = System.nanoTime();
                INDArray a = m.audioFeatures(audio);
                long t2 = System.nanoTime();
                m.heatmap(a, mask, v);
                m.scores(a, mask, v, null);
                long t3 = System.nanoTime();
                stages.add(new long[] {t1 - t0, t2 - t1, t3 - t2});
            };
            long[] t = BackboneBench.sortedNanos(runs, pipeline);
            out.printf("DenseAV-2head, 224² image + 10.2625 s clip: median %.0f ms, min %.0f ms (%d runs)%n",
                    t[runs / 2] / 1e6, t[0] / 1e6, runs);
            java.util.List<long[]> timed = stages.subList(2, stages.size()); // after the two warm-ups
            out.printf("  median per stage: image %.0f ms, audio %.0f ms, volume + heatmap + scores %.0f ms%n",
                    median(timed, 0) / 1e6, median(timed, 1) / 1e6, median(timed, 2) / 1e6);
            out.printf("peak RSS %.2f GB (fp32 weights %.2f GB)%n", BackboneBench.peakRssGb(), 1.365);
        }
        return 0;
    }

    private static long median(java.util.List<long[]> calls, int stage) {
        long[] v = calls.stream().mapToLong(c -> c[stage]).sorted().toArray();
        return v[v.length / 2];
    }
}
