package io.denseav.cli;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.RgbImage;
import io.denseav.evaluation.viz.HeatmapOverlay;
import io.denseav.evaluation.viz.Interpolate;
import io.denseav.evaluation.viz.TemporalBlur;
import io.denseav.evaluation.viz.VideoFrames;
import io.denseav.evaluation.viz.VideoWriter;
import io.denseav.graphs.DenseAv;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav video}: DenseAV's attention video (plotting.py plot_attention_video): frame i uses audio step
 * ⌊i/nF·T_a⌋ of the 3-tap time-blurred similarities, max over heads, bicubic upsampling, one min–max over the whole
 * video, inferno at alpha = value; the clip's 16 kHz sound is muxed in.
 */
@Command(name = "video", description = "Render where the sound comes from, frame by frame, as an MP4 with its sound.")
final class VideoCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;
    @Option(names = "--video", required = true, paramLabel = "IN.mp4")
    Path video;
    @Option(names = "--out", required = true, paramLabel = "OUT.mp4")
    Path out;
    @Option(names = "--heads", description = "Also write OUT.heads.mp4: head 0 (language) red, head 1 (sound) blue.")
    boolean heads;
    @Option(names = "--seconds", defaultValue = "10", description = "Use the first S seconds, as the demo (default ${DEFAULT-VALUE}).")
    double seconds;
    @Mixin
    ForceOption force;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path headsOut = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.mp4$", "") + ".heads.mp4");
        force.check(out, heads ? headsOut : null);
        try (DenseAv m = DenseAv.load(model.resolve())) {
            if (heads && m.config().heads() != 2) throw new BadInputException(model + ": --heads needs a 2-head model");
            VideoFrames frames = VideoFrames.read(video, seconds);
            int samples = (int) Math.round(seconds * AudioPreprocessor.SAMPLE_RATE);
            io.denseav.data.Audio decoded = io.denseav.data.AudioLoader.load(video); // decoded once, used twice
            PreprocessedAudio clip = AudioPreprocessor.unpadded().apply(decoded);
            io.denseav.evaluation.Grounding.requireAudible(video, clip);
            INDArray wave = clip.audio().get(NDArrayIndex.all(), NDArrayIndex.interval(0, Math.min(samples, (int) clip.length())));
            float[] raw = AudioPreprocessor.unpadded().normalized(false).apply(decoded).audio().toFloatVector();
            float[] sound = java.util.Arrays.copyOf(raw, Math.min(raw.length, samples));
            INDArray a = FeaturesCommand.step("audio features", () -> m.audioFeatures(wave.dup()));
            int ta = (int) a.size(3);
            INDArray mask = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, ta);
            ImagePreprocessor prep = ImagePreprocessor.demo(m.config().image().patch());
            int n = frames.frames().size();
            List<RgbImage> pictures = new ArrayList<>();
            List<float[][]> maxMaps = new ArrayList<>();
            List<float[][][]> kept = new ArrayList<>();
            ConsoleProgress progress = new ConsoleProgress(System.err);
            progress.start("frames", n);
            for (int i = 0; i < n; i++) {
                RgbImage pic;
                try {
                    pic = prep.transform(frames.frames().get(i));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(video + ": " + e.getMessage());
                }
                INDArray v = m.imageFeatures(ImagePreprocessor.toTensor(pic));
                INDArray sims = TemporalBlur.blurLastAxis(m.pairedVolume(a, mask, v).get(NDArrayIndex.point(0))); // [K,h,w,T]
                INDArray atT = sims.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point((long) i * ta / n));
                pictures.add(pic);
                maxMaps.add(Interpolate.resize(atT.max(0), pic.height(), pic.width(), Interpolate.Mode.BICUBIC));
                if (heads) {
                    kept.add(HeatmapOverlay.keepLarger(
                            Interpolate.resize(atT.get(NDArrayIndex.point(0)), pic.height(), pic.width(), Interpolate.Mode.BICUBIC),
                            Interpolate.resize(atT.get(NDArrayIndex.point(1)), pic.height(), pic.width(), Interpolate.Mode.BICUBIC)));
                }
                progress.step(1);
            }
            progress.done();
            HeatmapOverlay.Range range = HeatmapOverlay.Range.of(maxMaps.toArray(float[][][]::new));
            List<BufferedImage> rendered = new ArrayList<>();
            for (int i = 0; i < n; i++) rendered.add(HeatmapOverlay.overlay(pictures.get(i), maxMaps.get(i), range));
            VideoWriter.write(out, rendered, frames.fps(), sound);
            spec.commandLine().getOut().printf("wrote %s: %d frames at %.2f fps, %d audio steps%n", out, n, frames.fps(), ta);
            if (heads) {
                HeatmapOverlay.Range r0 = HeatmapOverlay.Range.of(kept.stream().map(k -> k[0]).toArray(float[][][]::new));
                HeatmapOverlay.Range r1 = HeatmapOverlay.Range.of(kept.stream().map(k -> k[1]).toArray(float[][][]::new));
                List<BufferedImage> two = new ArrayList<>();
                for (int i = 0; i < n; i++) two.add(HeatmapOverlay.twoHead(pictures.get(i), kept.get(i)[0], kept.get(i)[1], r0, r1));
                VideoWriter.write(headsOut, two, frames.fps(), sound);
                spec.commandLine().getOut().printf("wrote %s (head 0 language: red, head 1 sound: blue)%n", headsOut);
            }
        }
        return 0;
    }
}
