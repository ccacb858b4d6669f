package io.denseav.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The port of Pillow's 8-bit bilinear resampler against PIL 9.4 itself: every pixel must be identical. */
class PilBilinearTest {
    /** The decoded source as PIL saw it (PIL's own JPEG decode for JPEG sources). */
    static RgbImage source(JsonNode e) {
        return e.has("decoded_png") ? Goldens.png(e.get("decoded_png").asText()) : Goldens.png(e.get("file").asText());
    }

    static Stream<Arguments> images() {
        return Goldens.cases("images", "file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void torchvisionResize224IsBitExact(String name, JsonNode e) {
        JsonNode r = e.get("resize224");
        RgbImage src = source(e);
        int[] size = ImagePreprocessor.resizedSize(src.width(), src.height(), 224);
        assertArrayEquals(new int[] {r.get("width").asInt(), r.get("height").asInt()}, size, "torchvision size rule");
        RgbImage out = PilBilinear.resize(src, size[0], size[1]);
        assertEquals(0, Goldens.maxAbsDiff(Goldens.png(r.get("file").asText()), out), "max |diff| in 8-bit levels");
    }

    static Stream<Arguments> directResizes() {
        return Goldens.cases("pil_resizes", "golden");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directResizes")
    void imageResizeBilinearIsBitExact(String name, JsonNode e) {
        RgbImage src = Goldens.png(e.get("source").asText());
        RgbImage out = PilBilinear.resize(src, e.get("width").asInt(), e.get("height").asInt());
        assertEquals(0, Goldens.maxAbsDiff(Goldens.png(e.get("golden").asText()), out));
    }

    @Test
    void sameSizeIsTheSamePicture() {
        RgbImage img = new RgbImage(3, 2, new byte[18]);
        assertSame(img, PilBilinear.resize(img, 3, 2));
    }

    @Test
    void constantStaysConstant() {
        byte[] px = new byte[31 * 17 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        RgbImage out = PilBilinear.resize(new RgbImage(31, 17, px), 224, 7);
        for (byte b : out.rgb()) assertEquals(200, b & 0xFF);
    }
}
