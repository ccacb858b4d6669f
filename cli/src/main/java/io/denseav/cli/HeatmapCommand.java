package io.denseav.cli;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.FrameMask;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.RgbImage;
import io.denseav.evaluation.viz.HeatmapOverlay;
import io.denseav.evaluation.viz.Interpolate;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav heatmap}: where in the picture is the thing making (or named by) the sound. The masked time mean of
 * the paired volume, max over heads, min–max normalised, bilinearly upsampled, drawn with inferno at alpha = value.
 */
@Command(name = "heatmap", description = "Draw where the sound (or the spoken word) is in the picture.")
final class HeatmapCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M", description = "DenseAV .ckpt, or an HF folder / model.safetensors.")
    Path model;
    @Option(names = "--image", required = true, paramLabel = "IMG")
    Path image;
    @Option(names = "--audio", required = true, paramLabel = "AUD", description = "Any format FFmpeg reads (or a video's sound).")
    Path audio;
    @Option(names = "--out", required = true, paramLabel = "OUT.png")
    Path out;
    @Option(names = "--npy", paramLabel = "VOL.npy", description = "Also write the paired volume [K, h, w, T_a] (mask applied).")
    Path npy;
    @Option(names = "--heads", description = "Also write OUT.heads.png: head 0 (language) red, head 1 (sound) blue.")
    boolean heads;
    @Option(names = "--train-pool", description = "Training mode's 2×2 image pooling (the demo's 14×14 map at 224²).")
    boolean trainPool;
    @Option(names = "--force", description = "Overwrite existing outputs.")
    boolean force;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path headsOut = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.png$", "") + ".heads.png");
        ModelPaths.checkOutput(out, force);
        if (npy != null) ModelPaths.checkOutput(npy, force);
        if (heads) ModelPaths.checkOutput(headsOut, force);
        try (DenseAv m = DenseAv.load(ModelPaths.resolve(model))) {
            m.trainPooling(trainPool);
            ImagePreprocessor prep = ImagePreprocessor.demo(m.config().image().patch());
            RgbImage picture = prep.read(image);
            PreprocessedAudio clip = AudioPreprocessor.denseav().apply(audio);
            checkAudible(audio, clip);
            INDArray v = FeaturesCommand.step("image features", () -> m.imageFeatures(ImagePreprocessor.toTensor(picture)));
            INDArray a = FeaturesCommand.step("audio features", () -> m.audioFeatures(clip.audio()));
            INDArray mask = FrameMask.of(clip.mask(), (int) a.size(3));
            if (mask.sumNumber().doubleValue() == 0) throw new BadInputException(audio + ": shorter than one aligned audio frame");
            INDArray volume = m.pairedVolume(a, mask, v); // [1, K, h, w, T]
            INDArray heat = m.heatmap(a, mask, v).get(NDArrayIndex.point(0)); // [h, w]
            HeatmapOverlay.writePng(HeatmapOverlay.overlay(picture, heat, Interpolate.Mode.BILINEAR), out);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s (%dx%d picture, %dx%d map, %d heads)%n", out, picture.width(), picture.height(),
                    heat.size(0), heat.size(1), m.config().heads());
            if (npy != null) {
                Npy.write(npy, volume.get(NDArrayIndex.point(0)).dup());
                o.printf("wrote %s: paired volume %s%n", npy, java.util.Arrays.toString(volume.get(NDArrayIndex.point(0)).shape()));
            }
            if (heads) {
                if (m.config().heads() != 2) throw new BadInputException(model + ": --heads needs a 2-head model, this one has " + m.config().heads());
                INDArray perHead = headMeans(volume, mask); // [K, h, w]
                HeatmapOverlay.writePng(HeatmapOverlay.twoHead(picture, perHead.get(NDArrayIndex.point(0)),
                        perHead.get(NDArrayIndex.point(1)), Interpolate.Mode.BILINEAR), headsOut);
                o.printf("wrote %s (head 0 language: red, head 1 sound: blue)%n", headsOut);
            }
        }
        return 0;
    }

    /** Per-head masked time mean of {@code [1, K, h, w, T]} → {@code [K, h, w]} (the volume already carries the mask). */
    static INDArray headMeans(INDArray volume, INDArray mask) {
        double mass = Math.max(mask.sumNumber().doubleValue(), 0.001);
        return volume.get(NDArrayIndex.point(0)).sum(3).divi(mass);
    }

    /** A silent clip normalises to zeros: no sound to ground, so say so rather than draw nothing. */
    static void checkAudible(Path file, PreprocessedAudio clip) {
        if (clip.validSamples() == 0 || org.nd4j.linalg.ops.transforms.Transforms.abs(clip.audio()).maxNumber().doubleValue() == 0) {
            throw new BadInputException(file + ": the clip is empty or silent: nothing to ground");
        }
    }
}
