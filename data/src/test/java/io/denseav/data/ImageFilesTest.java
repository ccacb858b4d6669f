package io.denseav.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ImageIO decoding against PIL's {@code Image.open(f).convert("RGB")}, and bad files. */
class ImageFilesTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> images() {
        return Goldens.cases("images", "file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decodesLikePilConvertRgb(String name, JsonNode e) {
        RgbImage img = ImageFiles.read(Goldens.path(e.get("file").asText()));
        assertEquals(e.get("width").asInt(), img.width());
        assertEquals(e.get("height").asInt(), img.height());
        if (e.has("decoded_png")) { // JDK's IJG libjpeg 6b against PIL's libjpeg-turbo: both integer IDCT, fancy upsampling
            assertEquals(0, Goldens.maxAbsDiff(Goldens.png(e.get("decoded_png").asText()), img), "JPEG decode vs PIL");
        }
        assertEquals(e.get("decoded_sha256").asText(), Goldens.sha256(img.rgb()), "pixels differ from PIL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.denseav.data.BadFiles#images")
    void badFileIsOneLineNamingFileAndProblem(String name, String problem) {
        Path file = Goldens.path("bad/" + name);
        assertOneLine(assertThrows(DataException.class, () -> ImageFiles.read(file)), file, problem);
    }

    @Test
    void missingDirectoryAndEmpty() throws Exception {
        Path missing = tmp.resolve("nope.png");
        assertOneLine(assertThrows(DataException.class, () -> ImageFiles.read(missing)), missing, "no such file");
        assertOneLine(assertThrows(DataException.class, () -> ImageFiles.read(tmp)), tmp, "is a directory");
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));
        assertOneLine(assertThrows(DataException.class, () -> ImageFiles.read(empty)), empty, "empty file");
    }

    @Test
    void randomBytesWithImageExtension() throws Exception {
        Path f = tmp.resolve("noise.bmp");
        byte[] b = new byte[4096];
        new java.util.Random(3).nextBytes(b);
        b[0] = 'B';
        b[1] = 'M'; // a BMP signature in front of noise
        Files.write(f, b);
        assertOneLine(assertThrows(DataException.class, () -> ImageFiles.read(f)), f, "");
    }

    static void assertOneLine(DataException e, Path file, String problem) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": "), msg);
        assertTrue(msg.toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
        assertEquals(file.toString(), e.file());
    }
}
