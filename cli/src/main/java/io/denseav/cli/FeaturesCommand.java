package io.denseav.cli;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.ImagePreprocessor;
import io.denseav.graphs.Backbones;
import io.denseav.graphs.Hubert;
import io.denseav.graphs.HubertConfig;
import io.denseav.graphs.Params;
import io.denseav.graphs.VisionTransformer;
import io.denseav.graphs.VitConfig;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import io.denseav.modelimport.Npy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code denseav features image|audio}: backbone features of one file, written as float32 .npy. */
@Command(name = "features", description = "Backbone features of an image (DINO ViT) or a sound (HuBERT) as .npy.",
        subcommands = {FeaturesCommand.Image.class, FeaturesCommand.Audio.class})
final class FeaturesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A step the user waits for, reported as progress (a bar on a terminal, log lines otherwise). */
    static <T> T step(String task, java.util.function.Supplier<T> work) {
        ConsoleProgress progress = new ConsoleProgress(System.err);
        progress.start(task, 1);
        T result = work.get();
        progress.step(1);
        progress.done();
        return result;
    }

    /** A configuration read from the weights; its problems are problems of the weights file. */
    static <T> T configOf(Path weights, java.util.function.Supplier<T> detect) {
        try {
            return detect.get();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(weights + ": " + e.getMessage());
        }
    }

    @Command(name = "image", description = "DINO patch tokens [1, C, H/p, W/p] (and optionally the CLS token [1, C]).")
    static final class Image implements Callable<Integer> {
        @Option(names = "--weights", required = true, paramLabel = "W", description = "DINO .pth, or a DenseAV checkpoint.")
        Path weights;
        @Option(names = "--image", required = true, paramLabel = "IMG", description = "PNG or JPEG.")
        Path image;
        @Option(names = "--out", required = true, paramLabel = "F.npy")
        Path out;
        @Option(names = "--cls-out", paramLabel = "C.npy")
        Path clsOut;
        @Option(names = "--backbone", description = "dino-vits8, dino-vits16, dino-vitb8 or dino-vitb16 (default: from the weights).")
        String backbone;
        @Option(names = "--eps", description = "LayerNorm eps (default 1e-6, or 1e-4 inside a DenseAV checkpoint).")
        Double eps;
        @Option(names = "--heads", description = "Attention heads, for a ViT width outside DINO's S/B table.")
        Integer heads;
        @Mixin
        ForceOption force;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            force.check(out, clsOut);
            try (Checkpoint ckpt = Checkpoint.open(weights)) {
                KeyMap.Mapped m = KeyMap.DINO.apply(ckpt);
                VitConfig c = config(m);
                INDArray x = ImagePreprocessor.demo(c.patch()).keepingDivisibleSizes().apply(image);
                int h = (int) x.size(2);
                int w = (int) x.size(3);
                Map<String, INDArray> y = step("DINO " + h + "x" + w + " forward",
                        () -> VisionTransformer.build(c, Params.from(m), 1, h, w).forward(x));
                Npy.write(out, y.get(VisionTransformer.PATCH_TOKENS));
                if (clsOut != null) Npy.write(clsOut, y.get(VisionTransformer.CLS));
                PrintWriter o = spec.commandLine().getOut();
                o.printf("wrote %s: patch tokens %s%s%n", out, Arrays.toString(y.get(VisionTransformer.PATCH_TOKENS).shape()),
                        clsOut == null ? "" : ", CLS " + Arrays.toString(y.get(VisionTransformer.CLS).shape()) + " to " + clsOut);
            }
            return 0;
        }

        private VitConfig config(KeyMap.Mapped m) {
            VitConfig c = configOf(weights, () -> backbone != null ? VitConfig.named(backbone)
                    : heads != null ? Backbones.vitConfig(m, heads) : Backbones.vitConfig(m));
            double e = eps != null ? eps : m.prefix().startsWith("image_model.") ? VitConfig.DENSEAV_EPS : VitConfig.DINO_EPS;
            return c.withEps(e);
        }
    }

    @Command(name = "audio", description = "HuBERT last_hidden_state [1, T, C] of a clip (any format FFmpeg reads).")
    static final class Audio implements Callable<Integer> {
        @Option(names = "--weights", required = true, paramLabel = "W", description = "HF or torchaudio HuBERT, or a DenseAV checkpoint.")
        Path weights;
        @Option(names = "--audio", required = true, paramLabel = "A")
        Path audio;
        @Option(names = "--out", required = true, paramLabel = "F.npy")
        Path out;
        @Option(names = "--backbone", description = "hubert-large or hubert-base (default: from the weights).")
        String backbone;
        @Option(names = "--eps", description = "Encoder LayerNorm eps (default: config.json, 1e-5, or 1e-4 inside DenseAV).")
        Double eps;
        @Mixin
        ForceOption force;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            force.check(out);
            try (Checkpoint ckpt = Checkpoint.open(weights)) {
                KeyMap.Mapped m = Backbones.hubertKeys(ckpt);
                HubertConfig c = config(m);
                INDArray wave = AudioPreprocessor.unpadded().apply(audio).audio();
                int samples = (int) wave.size(1);
                if (c.frames(samples) < 1) throw new BadInputException(audio + ": too short for one HuBERT frame");
                INDArray y = step(String.format("HuBERT forward on %.2f s", samples / 16000.0),
                        () -> Hubert.build(c, Params.from(m), 1, samples).forward(wave));
                Npy.write(out, y);
                spec.commandLine().getOut().printf("wrote %s: last_hidden_state %s%n", out, Arrays.toString(y.shape()));
            }
            return 0;
        }

        private HubertConfig config(KeyMap.Mapped m) {
            HubertConfig c = configOf(weights, () -> backbone != null ? HubertConfig.named(backbone) : Backbones.hubertConfig(m));
            double e = eps != null ? eps : m.prefix().startsWith("audio_model.") ? HubertConfig.DENSEAV_ENCODER_EPS : c.encoderEps();
            return c.withEps(c.extractorEps(), e);
        }
    }
}
