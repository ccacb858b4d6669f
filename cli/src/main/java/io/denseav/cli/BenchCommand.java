package io.denseav.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav bench backend}: raw ND4J/SameDiff throughput on this machine, used to choose the native build
 * (generic x86_64 vs AVX-512). Model-level benchmarks join it as the model arrives.
 */
@Command(name = "bench", description = "Print throughput numbers: the ND4J backend (default) or the backbones.",
        subcommands = {BackboneBench.class, InferenceBench.class, DataBench.class, RetrievalBench.class, TrainBench.class})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--seconds", description = "Time budget per measurement (default ${DEFAULT-VALUE}).", defaultValue = "3")
    double seconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Nd4j.getRandom().setSeed(0);
        java.util.Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        out.printf("backend     %s, %s threads, extension '%s'%n", Nd4j.getBackend().getClass().getSimpleName(),
                env.getOrDefault("omp.threads", "?"), System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
        out.printf("cpu         %s%n", env.getOrDefault("cpu.features", env.getOrDefault("blas.vendor", "?")));

        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.create(DataType.FLOAT, 1024, 1024);
        report(out, "matmul 1024^3 (GEMM)", 2.0 * 1024 * 1024 * 1024, () -> a.mmuli(b, c));

        // Attention-shaped batched product: 6 heads x 785 tokens x 64 (ViT-S/8 at 224^2), q.k^T
        INDArray q = Nd4j.rand(DataType.FLOAT, 6, 785, 64);
        INDArray k = Nd4j.rand(DataType.FLOAT, 6, 785, 64);
        report(out, "attention q.k^T 6x785x64", 2.0 * 6 * 785 * 785 * 64, () -> Nd4j.matmul(q, k, false, true, false));

        // libnd4j's own loops (not BLAS): softmax over attention logits, and exact GELU on a [785, 1536] activation
        INDArray logits = Nd4j.rand(DataType.FLOAT, 6, 785, 785);
        report(out, "softmax 6x785x785", 0, () -> Nd4j.nn().softmax(logits, 2));
        INDArray act = Nd4j.rand(DataType.FLOAT, 785, 1536);
        report(out, "erf-GELU 785x1536", 0, () -> act.mul(0.5).muli(Nd4j.math().erf(act.div(Math.sqrt(2))).addi(1.0)));

        // One SameDiff pre-LN MLP block of ViT-S: LN (composed), fc1, exact GELU (erf), fc2, residual
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 785, 384);
        SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, 384, 1536).muli(0.05));
        SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 1536, 384).muli(0.05));
        SDVariable mean = x.mean(true, 1);
        SDVariable var = x.sub(mean).mul(x.sub(mean)).mean(true, 1);
        SDVariable ln = x.sub(mean).div(sd.math().sqrt(var.add(1e-4)));
        SDVariable h = ln.mmul(w1);
        SDVariable gelu = h.mul(0.5).mul(sd.math().erf(h.div(Math.sqrt(2))).add(1.0));
        SDVariable y = gelu.mmul(w2).add("y", x);
        INDArray xin = Nd4j.rand(DataType.FLOAT, 785, 384);
        Map<String, INDArray> ph = Map.of("x", xin);
        report(out, "SameDiff ViT-S MLP block", 2.0 * 2 * 785 * 384 * 1536, () -> sd.output(ph, "y"));
        out.flush();
        return 0;
    }

    private void report(PrintWriter out, String what, double flops, Runnable op) {
        for (int i = 0; i < 3; i++) op.run(); // warm-up
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        int n = 0;
        long best = Long.MAX_VALUE;
        while (System.nanoTime() - start < budget || n < 5) {
            long t0 = System.nanoTime();
            op.run();
            best = Math.min(best, System.nanoTime() - t0);
            n++;
        }
        double mean = (System.nanoTime() - start) / (double) n;
        String rate = flops > 0 ? String.format("%7.1f GFLOP/s (best)", flops / best) : "";
        out.printf("%-28s %8.2f ms mean  %8.2f ms best  %s  n=%d%n", what, mean / 1e6, best / 1e6, rate, n);
    }
}
