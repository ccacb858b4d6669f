package io.denseav.cli;

import io.denseav.evaluation.Grounding;
import io.denseav.evaluation.viz.HeatmapOverlay;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav heatmap}: where in the picture is the thing making (or named by) the sound. The masked time mean of
 * the paired volume, max over heads, min–max normalised, bilinearly upsampled, drawn with inferno at alpha = value.
 */
@Command(name = "heatmap", description = "Draw where the sound (or the spoken word) is in the picture.")
final class HeatmapCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;
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
    @Mixin
    ForceOption force;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path headsOut = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.png$", "") + ".heads.png");
        force.check(out, npy, heads ? headsOut : null);
        try (DenseAv m = DenseAv.load(model.resolve())) {
            m.trainPooling(trainPool);
            Grounding g = FeaturesCommand.step("grounding", () -> Grounding.of(m, image, audio));
            HeatmapOverlay.writePng(g.overlay(), out);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s (%dx%d picture, %dx%d map, %d heads)%n", out, g.picture().width(), g.picture().height(),
                    g.heat().size(0), g.heat().size(1), m.config().heads());
            if (npy != null) {
                Npy.write(npy, g.volume().dup());
                o.printf("wrote %s: paired volume %s%n", npy, java.util.Arrays.toString(g.volume().shape()));
            }
            if (heads) {
                if (m.config().heads() != 2) throw new BadInputException(model + ": --heads needs a 2-head model, this one has " + m.config().heads());
                HeatmapOverlay.writePng(g.twoHead(), headsOut);
                o.printf("wrote %s (head 0 language: red, head 1 sound: blue)%n", headsOut);
            }
        }
        return 0;
    }
}
