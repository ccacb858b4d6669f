package io.denseav.cli;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.FrameMask;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.evaluation.FeatureCache;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.MisaAggregator;
import io.denseav.modelimport.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav retrieve}: cross-modal retrieval scores, the sum over heads of the per-head MISA scores
 * (denseav-reference.md §7.2), for every clip against every image; evaluation preprocessing (224² centre crop,
 * audio padded to 164,200 samples and normalised).
 */
@Command(name = "retrieve", description = "Score every audio clip against every image; write the [A, V] matrix.")
final class RetrieveCommand implements Callable<Integer> {
    static final List<String> IMAGE_EXT = List.of(".jpg", ".jpeg", ".png", ".bmp");
    static final List<String> AUDIO_EXT = List.of(".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".opus", ".webm",
            ".mp4", ".mkv");

    @Mixin
    ModelOption model;
    @Option(names = "--images", required = true, paramLabel = "DIR|LIST", description = "A folder of images or a text file of paths.")
    Path images;
    @Option(names = "--audio", required = true, paramLabel = "DIR|LIST", description = "A folder of clips or a text file of paths.")
    Path audio;
    @Option(names = "--out", required = true, paramLabel = "S.npy")
    Path out;
    @Option(names = "--top", defaultValue = "5", description = "Matches printed per clip (default ${DEFAULT-VALUE}).")
    int top;
    @Mixin
    ForceOption force;
    @Option(names = "--no-cache", description = "Do not read or write the feature cache ($DENSEAV_CACHE or ~/.cache/denseav).")
    boolean noCache;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        force.check(out);
        List<Path> imageFiles = list(images, IMAGE_EXT);
        List<Path> audioFiles = list(audio, AUDIO_EXT);
        Path weights = model.resolve();
        FeatureCache cache = noCache ? null : FeatureCache.standard();
        try (DenseAv m = DenseAv.load(weights)) {
            ConsoleProgress progress = new ConsoleProgress(System.err);
            progress.start("image features", imageFiles.size());
            List<INDArray> v = new ArrayList<>();
            for (Path f : imageFiles) {
                java.util.function.Supplier<INDArray> image = () -> m.imageFeatures(ImagePreprocessor.evaluation().apply(f));
                v.add(cache == null ? image.get() : cache.get(weights, f, "image-eval-224", image));
                progress.step(1);
            }
            progress.done();
            progress.start("audio features", audioFiles.size());
            List<INDArray> a = new ArrayList<>();
            List<INDArray> masks = new ArrayList<>();
            for (Path f : audioFiles) {
                PreprocessedAudio[] clip = new PreprocessedAudio[1];
                java.util.function.Supplier<PreprocessedAudio> load = () -> clip[0] != null ? clip[0]
                        : (clip[0] = AudioPreprocessor.padded(m.clipSamples()).apply(f));
                java.util.function.Supplier<INDArray> feats = () -> m.audioFeatures(load.get().audio());
                java.util.function.Supplier<INDArray> frameMask = () ->
                        FrameMask.of(load.get().mask(), m.alignedFrames((int) load.get().length()));
                a.add(cache == null ? feats.get() : cache.get(weights, f, "audio-164200", feats));
                masks.add(cache == null ? frameMask.get() : cache.get(weights, f, "audio-164200-mask", frameMask));
                progress.step(1);
            }
            progress.done();
            INDArray scores = m.scores(Nd4j.concat(0, a.toArray(INDArray[]::new)), Nd4j.concat(0, masks.toArray(INDArray[]::new)),
                    Nd4j.concat(0, v.toArray(INDArray[]::new)), MisaAggregator.HeadAgg.SUM);
            Npy.write(out, scores);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s: scores [%d clips, %d images]%n", out, audioFiles.size(), imageFiles.size());
            for (int i = 0; i < audioFiles.size(); i++) {
                o.printf("%s:", audioFiles.get(i).getFileName());
                INDArray row = scores.getRow(i);
                for (int r = 0; r < Math.min(top, imageFiles.size()); r++) {
                    int best = row.argMax().getInt(0);
                    o.printf("  %d. %s (%.3f)", r + 1, imageFiles.get(best).getFileName(), row.getDouble(best));
                    row.putScalar(best, Double.NEGATIVE_INFINITY);
                }
                o.println();
            }
        }
        return 0;
    }

    /** The files of a folder (by extension, sorted) or of a list file (one path per line, relative to it). */
    static List<Path> list(Path where, List<String> extensions) {
        if (!Files.exists(where)) throw new BadInputException(where + ": no such file or folder");
        try {
            List<Path> out;
            if (Files.isDirectory(where)) {
                try (Stream<Path> s = Files.list(where)) {
                    out = s.filter(p -> extensions.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
                            .sorted().toList();
                }
            } else {
                out = Files.readAllLines(where).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .map(l -> where.toAbsolutePath().getParent().resolve(l)).toList();
            }
            if (out.isEmpty()) throw new BadInputException(where + ": no " + String.join("/", extensions) + " files");
            return out;
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
