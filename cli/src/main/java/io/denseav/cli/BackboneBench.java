package io.denseav.cli;

import io.denseav.graphs.Hubert;
import io.denseav.graphs.HubertConfig;
import io.denseav.graphs.Params;
import io.denseav.graphs.VisionTransformer;
import io.denseav.graphs.VitConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code denseav bench backbones}: median ms per forward and effective GFLOP/s of DINO ViT-S/8 at 224² (batch 1
 * and 8) and HuBERT-Large on 10.2625 s (164,200 samples), random fp32 weights, after warm-up.
 */
@Command(name = "backbones", description = "Time ViT-S/8 (224², batch 1 and 8) and HuBERT-Large (10.2625 s).")
final class BackboneBench implements Callable<Integer> {
    static final int DENSEAV_SAMPLES = 164_200;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per model (median reported; default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--only", description = "vit1, vit8 or hubert: run one measurement.")
    String only;

    @Option(names = "--profile", description = "Also print the time inside each op type.")
    boolean profile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-28s %10s %10s %10s %8s%n", "model", "median ms", "min ms", "GFLOP/s", "runs");
        if (only == null || only.equals("vit1")) vit(out, 1);
        if (only == null || only.equals("vit8")) vit(out, 8);
        if (only == null || only.equals("hubert")) hubert(out);
        out.printf("peak RSS %.2f GB (VmHWM of this process, all models built so far)%n", peakRssGb());
        out.flush();
        return 0;
    }

    private void vit(PrintWriter out, int batch) {
        VitConfig c = VitConfig.small(8);
        VisionTransformer vit = VisionTransformer.build(c, Params.random(0), batch, 224, 224);
        INDArray img = Nd4j.randn(DataType.FLOAT, batch, 3, 224, 224);
        time(out, "ViT-S/8 224² batch " + batch, batch * vitFlops(c, 224, 224), vit.sameDiff(),
                () -> vit.forward(img, VisionTransformer.PATCH_TOKENS));
    }

    private void hubert(PrintWriter out) {
        HubertConfig c = HubertConfig.large();
        Hubert h = Hubert.build(c, Params.random(0), 1, DENSEAV_SAMPLES);
        INDArray wave = Nd4j.randn(DataType.FLOAT, 1, DENSEAV_SAMPLES);
        if (System.getenv("DENSEAV_BENCH_RSS") != null) {
            System.err.printf("rss after build %.2f GB%n", rssGb("VmRSS:"));
            h.forward(wave);
            System.err.printf("rss after 1 forward %.2f GB (peak %.2f)%n", rssGb("VmRSS:"), rssGb("VmHWM:"));
        }
        time(out, "HuBERT-L 10.2625 s", hubertFlops(c, DENSEAV_SAMPLES), h.sameDiff(), () -> h.forward(wave));
    }

    private void time(PrintWriter out, String what, double flops, org.nd4j.autodiff.samediff.SameDiff sd, Runnable op) {
        OpProfile ops = new OpProfile();
        if (profile) {
            sd.addListeners(ops);
            op.run();
            op.run();
            ops.start();
        }
        long[] t = sortedNanos(runs, op);
        double median = t[runs / 2] / 1e6;
        out.printf("%-28s %10.0f %10.0f %10.1f %8d%n", what, median, t[0] / 1e6, flops / (median * 1e6), runs);
        if (profile) ops.print(out, runs + 2);
        out.flush();
    }

    /** Two warm-up runs (JIT and SameDiff's array cache), then {@code runs} timed runs, sorted (ns). */
    static long[] sortedNanos(int runs, Runnable op) {
        op.run();
        op.run();
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            op.run();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t;
    }

    /** Multiply-adds ×2 of the linear layers and the two attention matmuls. */
    static double vitFlops(VitConfig c, int h, int w) {
        double n = 1.0 + (h / c.patch()) * (w / c.patch());
        double d = c.embedDim();
        double patch = 2 * (n - 1) * 3 * c.patch() * c.patch() * d;
        double block = 2 * n * d * 3 * d + 2 * 2 * n * n * d + 2 * n * d * d + 2 * 2 * n * d * c.mlpHidden();
        return patch + c.depth() * block;
    }

    static double hubertFlops(HubertConfig c, int samples) {
        double flops = 0;
        int t = samples;
        double in = 1;
        for (int i = 0; i < c.kernels().length; i++) {
            t = (t - c.kernels()[i]) / c.strides()[i] + 1;
            flops += 2.0 * t * c.kernels()[i] * in * c.convDim();
            in = c.convDim();
        }
        double h = c.hidden();
        flops += 2.0 * t * c.convDim() * h; // feature projection
        flops += 2.0 * t * c.posConvKernel() * h * h / c.posConvGroups(); // positional conv
        double layer = 2 * t * h * h * 4 + 2 * 2.0 * t * t * h + 2 * 2 * t * h * c.ffn();
        return flops + c.layers() * layer;
    }

    static double peakRssGb() {
        return rssGb("VmHWM:");
    }

    static double rssGb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return Double.NaN;
    }
}
