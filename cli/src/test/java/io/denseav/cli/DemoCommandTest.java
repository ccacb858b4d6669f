package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README command 1: the bundled default model on the bundled TuxPaint-AV scene. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void groundsTheSoundAndTheSpokenNameAndWritesAPage() throws Exception {
        Path out = tmp.resolve("demo");
        CliTest.Result r = CliTest.run("demo", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"sound_overlay.png", "speech_overlay.png", "sound_heads.png", "speech_heads.png"}) {
            BufferedImage png = ImageIO.read(out.resolve(f).toFile());
            assertEquals(224, png.getHeight(), f); // the 256² scene: shorter side 224, cropped to the patch
            assertTrue(r.out().contains(out.resolve(f).toString()), r.out());
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("src='sound_overlay.png'") && html.contains("src='speech_heads.png'"), html);
        assertTrue(r.out().contains("index.html"), r.out());
    }

    @Test
    void aPictureWithoutAPromptIsOneLine() throws Exception {
        Path img = tmp.resolve("x.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        CliTest.Result r = CliTest.run("demo", "--out", tmp.resolve("d").toString(), "--image", img.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void everyCommandPrintsItsHelp() {
        String[][] commands = {{"heatmap"}, {"eval"}, {"dataset", "tuxpaint"}, {"train"}, {"demo"}, {"bench", "retrieval"},
                {"features", "image"}, {"retrieve"}, {"video"}, {"convert"}, {"inspect"}};
        for (String[] c : commands) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            CliTest.Result r = CliTest.run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: denseav " + String.join(" ", c)), r.out());
        }
    }
}
