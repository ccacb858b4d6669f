package io.denseav.cli;

import io.denseav.evaluation.Grounding;
import io.denseav.evaluation.report.Svg;
import io.denseav.evaluation.viz.HeatmapOverlay;
import io.denseav.graphs.DenseAv;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav demo}: the default model (a tiny DenseAV-2head trained here on TuxPaint-AV, bundled in the jar) on a
 * bundled held-out TuxPaint-AV test scene, grounded once by the stamp's real sound and once by its spoken name.
 * Writes the overlays, the 2-head red/blue pictures and an HTML page that shows them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Ground a sound and a spoken name in a picture with the bundled default model; writes pictures and an HTML page.")
final class DemoCommand implements Callable<Integer> {
    static final String SCENE = "/io/denseav/cli/demo/";
    static final String MODEL = "/io/denseav/cli/default-model/";

    @Option(names = "--out", defaultValue = "denseav-demo", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--model", paramLabel = "M", description = "Another DenseAV model (.ckpt or HF folder) instead of the bundled one.")
    Path model;
    @Option(names = "--image", paramLabel = "IMG", description = "Another picture (with --sound and/or --speech).")
    Path image;
    @Option(names = "--sound", paramLabel = "AUD", description = "A sound prompt.")
    Path sound;
    @Option(names = "--speech", paramLabel = "AUD", description = "A spoken prompt.")
    Path speech;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        Path scene = out.resolve("scene");
        Path img = image != null ? image : extract(SCENE + "scene.jpg", scene.resolve("scene.jpg"));
        List<String[]> prompts = new ArrayList<>(); // kind, file, caption
        if (image == null) {
            String caption = resource(SCENE + "caption.txt").strip();
            prompts.add(new String[] {"sound", extract(SCENE + "sound.ogg", scene.resolve("sound.ogg")).toString(), caption + " (its real sound)"});
            prompts.add(new String[] {"speech", extract(SCENE + "speech.ogg", scene.resolve("speech.ogg")).toString(), caption + " (its spoken name)"});
            extract(SCENE + "ATTRIBUTION.txt", scene.resolve("ATTRIBUTION.txt"));
        }
        if (sound != null) prompts.add(new String[] {"sound", sound.toString(), sound.getFileName().toString()});
        if (speech != null) prompts.add(new String[] {"speech", speech.toString(), speech.getFileName().toString()});
        if (prompts.isEmpty()) throw new BadInputException("--image needs --sound and/or --speech");
        Path modelPath = model != null ? ModelPaths.resolve(model) : defaultModel();
        PrintWriter o = spec.commandLine().getOut();
        StringBuilder html = new StringBuilder("<!doctype html><meta charset=utf-8><title>DenseAV demo</title>"
                + "<style>body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}"
                + "img{width:320px;image-rendering:auto}</style><h1>DenseAV demo</h1><p>Model: " + Svg.esc(model == null
                ? "bundled default (tiny DenseAV-2head trained on TuxPaint-AV, see README)" : modelPath.toString())
                + ". Heat: masked time mean of the head-max similarity, min-max normalised (inferno, alpha = value). "
                + "Two-head picture: head 0 (language) red, head 1 (sound) blue.</p>");
        try (DenseAv m = DenseAv.load(modelPath)) {
            Path picture = out.resolve("picture" + extension(img));
            Files.copy(img, picture, StandardCopyOption.REPLACE_EXISTING);
            html.append("<figure><img src='").append(picture.getFileName()).append("'><figcaption>the picture</figcaption></figure>");
            for (String[] p : prompts) {
                Grounding g = FeaturesCommand.step(p[0] + " prompt", () -> Grounding.of(m, img, Path.of(p[1])));
                Path overlay = out.resolve(p[0] + "_overlay.png");
                HeatmapOverlay.writePng(g.overlay(), overlay);
                html.append("<h2>").append(Svg.esc(p[2])).append("</h2><figure><img src='").append(overlay.getFileName())
                        .append("'><figcaption>heat</figcaption></figure>");
                o.printf("wrote %s%n", overlay);
                if (m.config().heads() == 2) {
                    Path heads = out.resolve(p[0] + "_heads.png");
                    HeatmapOverlay.writePng(g.twoHead(), heads);
                    double[] act = g.headActivity();
                    html.append(String.format("<figure><img src='%s'><figcaption>head 0 (language) red: %.3g, head 1 (sound) blue: %.3g</figcaption></figure>",
                            heads.getFileName(), act[0], act[1]));
                    o.printf("wrote %s (head activity: language %.3g, sound %.3g)%n", heads, act[0], act[1]);
                }
                html.append("<p><audio controls src='").append(out.toAbsolutePath().relativize(Path.of(p[1]).toAbsolutePath())).append("'></audio></p>");
            }
        }
        Path page = out.resolve("index.html");
        Files.writeString(page, html.append("</html>\n"));
        o.printf("open %s%n", page.toAbsolutePath());
        return 0;
    }

    /** The bundled default model, unpacked once into the temp folder (DenseAv.load reads files). */
    static Path defaultModel() throws IOException {
        String config = resource(MODEL + "config.json");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "denseav-default-model-" + Integer.toHexString(config.hashCode()));
        extract(MODEL + "model.safetensors", dir.resolve("model.safetensors"));
        extract(MODEL + "config.json", dir.resolve("config.json"));
        return dir;
    }

    private static Path extract(String resource, Path to) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the jar lacks " + resource + " (rebuild with mvn package)");
            Files.createDirectories(to.getParent());
            Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return to;
    }

    private static String resource(String name) {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the jar lacks " + name + " (rebuild with mvn package)");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }
}
