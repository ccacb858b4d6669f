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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evaluation ({@code Resize(224)} + {@code CenterCrop(224)}) and demo ({@code Resize(224)} +
 * {@code crop_to_divisor(8)}) transforms from files, against torchvision's pipelines on the same files.
 */
class ImagePreprocessorTest {
    static Stream<Arguments> images() {
        return Goldens.cases("images", "file");
    }

    @Test
    void normalisationIsTorchvisionToTensorPlusNormalizeBitForBit() {
        float[] lut = Goldens.npy("normalize_lut.npy"); // [3, 256]
        byte[] px = new byte[256 * 3];
        for (int v = 0; v < 256; v++) {
            for (int c = 0; c < 3; c++) px[3 * v + c] = (byte) v;
        }
        INDArray t = ImagePreprocessor.toTensor(new RgbImage(256, 1, px));
        assertArrayEquals(new long[] {1, 3, 1, 256}, t.shape());
        assertEquals(DataType.FLOAT, t.dataType());
        assertArrayEquals(lut, Goldens.flat(t));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void evaluationTransform(String name, JsonNode e) {
        INDArray x = ImagePreprocessor.evaluation().apply(Goldens.path(e.get("file").asText()));
        assertArrayEquals(new long[] {1, 3, 224, 224}, x.shape());
        JsonNode c = e.get("center_crop224");
        RgbImage want = Goldens.png(e.get("resize224").get("file").asText())
                .crop(c.get("top").asInt(), c.get("left").asInt(), 224, 224);
        assertBitEqual(ImagePreprocessor.toTensor(want), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void demoTransform(String name, JsonNode e) {
        INDArray x = ImagePreprocessor.demo(8).apply(Goldens.path(e.get("file").asText()));
        JsonNode c = e.get("crop_to_divisor8");
        int h = c.get("height").asInt(), w = c.get("width").asInt();
        assertArrayEquals(new long[] {1, 3, h, w}, x.shape());
        RgbImage want = Goldens.png(e.get("resize224").get("file").asText()).crop(0, 0, h, w);
        assertBitEqual(ImagePreprocessor.toTensor(want), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void keepingDivisibleSizes(String name, JsonNode e) {
        RgbImage src = ImageFiles.read(Goldens.path(e.get("file").asText()));
        RgbImage out = ImagePreprocessor.demo(8).keepingDivisibleSizes().transform(src);
        if (e.get("divisible_by_8").asBoolean()) {
            assertSame(src, out);
        } else {
            assertEquals(0, Goldens.maxAbsDiff(ImagePreprocessor.demo(8).transform(src), out));
        }
    }

    @Test
    void centerCropRoundsHalfToEvenLikePython() {
        assertArrayEquals(new int[] {0, 0}, ImagePreprocessor.centerCropOrigin(225, 225, 224)); // round(0.5) == 0
        assertArrayEquals(new int[] {2, 2}, ImagePreprocessor.centerCropOrigin(227, 227, 224)); // round(1.5) == 2
        assertArrayEquals(new int[] {2, 37}, ImagePreprocessor.centerCropOrigin(298, 229, 224)); // round(2.5) == 2
    }

    @Test
    void resizeSizeTruncatesTheLongSide() {
        assertArrayEquals(new int[] {298, 224}, ImagePreprocessor.resizedSize(320, 240, 224)); // 298.67
        assertArrayEquals(new int[] {224, 398}, ImagePreprocessor.resizedSize(720, 1280, 224)); // 398.22
        assertArrayEquals(new int[] {224, 224}, ImagePreprocessor.resizedSize(10, 10, 224));
    }

    /** Same shape and the same float32 bits (INDArray.equals would allow 1e-5). */
    static void assertBitEqual(INDArray want, INDArray got) {
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(Goldens.flat(want), Goldens.flat(got));
    }
}
