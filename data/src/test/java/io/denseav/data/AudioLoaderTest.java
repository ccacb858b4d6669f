package io.denseav.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding against the references: WAV against the exact PCM/float values (torchaudio's own for 8/16/24-bit),
 * FFmpeg formats against the ffmpeg 5.1 CLI decode of the same file (bit-exact for lossless codecs).
 */
class AudioLoaderTest {
    /** JavaCV's FFmpeg 5.0 against the ffmpeg 5.1 CLI on lossy codecs (float decoders, possibly other SIMD paths). */
    static final double LOSSY_TOLERANCE = 1e-6;

    @TempDir
    Path tmp;

    static Stream<Arguments> audio() {
        return Goldens.cases("audio", "file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audio")
    void decodesFirstChannelLikeTheReference(String name, JsonNode e) {
        Audio a = AudioLoader.load(Goldens.path(e.get("file").asText()));
        assertEquals(e.get("sample_rate").asInt(), a.sampleRate());
        assertEquals(e.get("channels").asInt(), a.channels());
        float[] first = new float[Math.min(8, a.samples().length)];
        for (int i = 0; i < first.length; i++) first[i] = (float) e.get("first").get(i).asDouble();
        if (e.get("exact").asBoolean()) {
            assertEquals(e.get("frames").asInt(), a.samples().length);
            assertArrayEquals(first, Arrays.copyOf(a.samples(), first.length));
            assertEquals(e.get("sha256").asText(), Goldens.sha256(a.samples()), "samples differ");
        } else {
            float[] want = Goldens.npy(e.get("golden").asText());
            assertEquals(want.length, a.samples().length, "sample count");
            double d = Goldens.maxAbsDiff(want, a.samples());
            System.out.printf("%s: %d samples, max |diff| vs ffmpeg CLI %.3g%n", e.get("file").asText(), want.length, d);
            assertTrue(d <= LOSSY_TOLERANCE, "max |diff| " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.denseav.data.BadFiles#audio")
    void badFileIsOneLineNamingFileAndProblem(String name, String problem) {
        Path file = Goldens.path("bad/" + name);
        ImageFilesTest.assertOneLine(assertThrows(DataException.class, () -> AudioLoader.load(file)), file, problem);
    }

    @Test
    void missingDirectoryAndEmpty() throws Exception {
        Path missing = tmp.resolve("nope.wav");
        ImageFilesTest.assertOneLine(assertThrows(DataException.class, () -> AudioLoader.load(missing)), missing,
                "no such file");
        ImageFilesTest.assertOneLine(assertThrows(DataException.class, () -> AudioLoader.load(tmp)), tmp,
                "is a directory");
        Path empty = Files.createFile(tmp.resolve("empty.mp3"));
        ImageFilesTest.assertOneLine(assertThrows(DataException.class, () -> AudioLoader.load(empty)), empty,
                "empty file");
    }

    @Test
    void wavCutOffInsideItsDataChunkKeepsTheWholeFrames() throws Exception {
        Path src = Goldens.path("audio/s16_44100_stereo.wav");
        byte[] all = Files.readAllBytes(src);
        Path cut = tmp.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(all, 44 + 4 * 1000 + 3)); // 1000 frames and 3 stray bytes
        float[] full = AudioLoader.load(src).samples();
        assertArrayEquals(Arrays.copyOf(full, 1000), AudioLoader.load(cut).samples());
    }

    @Test
    void extensionDoesNotMatter() throws Exception {
        Path src = Goldens.path("audio/flac_s16_44100_stereo.flac");
        Path renamed = Files.copy(src, tmp.resolve("clip.wav"));
        assertArrayEquals(AudioLoader.load(src).samples(), AudioLoader.load(renamed).samples());
    }
}
