package io.denseav.cli;

import io.denseav.evaluation.protocols.RetrievalScores;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.MisaAggregator;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav bench retrieval}: the A×A retrieval score matrix of the released 2-head shape (code 384, K 2, image
 * map 28×28 in eval mode, T_a 56 for the 10.26 s clip) on random features, through {@code DenseAv.scores(SUM)} (the
 * SameDiff graph) and through the evaluation module's tiled-GEMM path ({@link RetrievalScores}), each against a
 * plain 1024³ GEMM on the same machine. FLOPs: 2·A·A·hw·T·code (the multiply-adds of the similarity volume; the max
 * and mean reductions are not counted). The work grows as A², the rate does not: the default A = 256 takes
 * 1/15 of the reference's 1000×1000 (printed as an estimate); {@code --items 1000} runs it.
 */
@Command(name = "retrieval", description = "Time the retrieval score matrix (DenseAv.scores SUM and the tiled-GEMM path) against a 1024^3 GEMM.")
final class RetrievalBench implements Callable<Integer> {
    @Option(names = "--items", defaultValue = "256", description = "Clips and images, A = V (default ${DEFAULT-VALUE}; the reference uses 1000).")
    int items;
    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per path, median reported (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--grid", defaultValue = "28", description = "Image map side (28: eval mode at 224²; default ${DEFAULT-VALUE}).")
    int grid;
    @Option(names = "--frames", defaultValue = "56", description = "Audio frames T_a (56 for 164,200 samples; default ${DEFAULT-VALUE}).")
    int frames;
    @Option(names = "--only-fast", description = "Skip the DenseAv.scores graph path.")
    boolean onlyFast;
    @Spec
    CommandSpec spec;

    static final int CODE = 384;
    static final int HEADS = 2;

    @Override
    public Integer call() {
        if (items < 1 || runs < 1 || grid < 1 || frames < 1) throw new BadInputException("--items, --runs, --grid and --frames must be positive");
        PrintWriter out = spec.commandLine().getOut();
        Nd4j.getRandom().setSeed(0);
        int hw = grid * grid;
        double flops = 2.0 * items * items * hw * frames * CODE;
        out.printf("retrieval scores: A = V = %d, code %d, K %d, image map %dx%d, T_a %d: %.2f TFLOP per matrix%n",
                items, CODE, HEADS, grid, grid, frames, flops / 1e12);
        double gemm = gemmGflops();
        out.printf("  %-44s %8.2f GFLOP/s (median of 9; measured again after each path, ratios use the mean)%n",
                "GEMM 1024^3 (Nd4j.gemm)", gemm);
        INDArray a = Nd4j.randn(DataType.FLOAT, items, CODE, 1, frames).muli(0.05);
        INDArray v = Nd4j.randn(DataType.FLOAT, items, CODE, grid, grid).muli(0.05);
        INDArray mask = Nd4j.ones(DataType.FLOAT, items, frames);
        for (int i = 0; i < items; i += 3) for (int t = frames * 2 / 3; t < frames; t++) mask.putScalar(i, t, 0); // padded clips
        INDArray fast = time(out, "tiled GEMM (evaluation RetrievalScores)", flops, gemm,
                () -> RetrievalScores.sum(a, mask, v, HEADS), a, mask, v, null);
        if (!onlyFast) {
            try (DenseAv model = DenseAv.random(0)) { // the released 2-head configuration; scores() reads no weights
                INDArray graph = time(out, "DenseAv.scores(SUM) (SameDiff graph)", flops, gemm,
                        () -> model.scores(a, mask, v, MisaAggregator.HeadAgg.SUM), a, mask, v, model);
                double d = graph.sub(fast).amaxNumber().doubleValue() / graph.amaxNumber().doubleValue();
                out.printf("  the two paths agree: max |difference| / max |score| = %.2g%n", d);
            }
        }
        out.flush();
        return 0;
    }

    private INDArray time(PrintWriter out, String what, double flops, double gemm, java.util.function.Supplier<INDArray> op,
                          INDArray a, INDArray mask, INDArray v, DenseAv model) {
        // warm-up on a slice (graph building, JIT, BLAS threads) without paying for a whole matrix
        int w = Math.min(items, 16);
        INDArray ws = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, w)).dup();
        INDArray wm = mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, w)).dup();
        INDArray wv = v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, w)).dup();
        if (model == null) RetrievalScores.sum(ws, wm, wv, HEADS);
        else model.scores(ws, wm, wv, MisaAggregator.HeadAgg.SUM);
        long[] t = new long[runs];
        INDArray result = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            result = op.get();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        double s = t[runs / 2] / 1e9, rate = flops / s / 1e9;
        double after = gemmGflops(), mean = (gemm + after) / 2; // the machine may be shared: bracket the path
        out.printf("  %-44s %8.2f GFLOP/s  %6.1f%% of GEMM  (median %.2f s; GEMM after: %.1f GFLOP/s; 1000x1000 would take ~%.0f s)%n",
                what, rate, 100 * rate / mean, s, after, s * (1000.0 * 1000.0) / ((double) items * items));
        out.flush();
        return result;
    }

    /** Median GFLOP/s of a 1024³ single-precision GEMM after three warm-ups. */
    static double gemmGflops() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1024, 1024), y = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray z = Nd4j.create(DataType.FLOAT, 1024, 1024);
        for (int i = 0; i < 3; i++) Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
        long[] t = new long[9];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return 2.0 * 1024 * 1024 * 1024 / t[t.length / 2];
    }
}
