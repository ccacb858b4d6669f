package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.denseav.data.ImagePreprocessor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Class decoding ⌊R/10⌋·256 + G, nearest resize and centre crop (reference §7.1). */
class SegmentationLabelsTest {
    @TempDir
    Path tmp;

    /** R = 10·a + (x mod 10), G = y mod 256, so the class is a·256 + G whatever the units digit of R. */
    private static int rgb(int x, int y) {
        int r = 10 * (x % 25) + (x * 7 % 10), g = (y * 3) % 256;
        return r << 16 | g << 8 | 5;
    }

    private static int cls(int x, int y) {
        return (x % 25) * 256 + (y * 3) % 256;
    }

    @Test
    void decodesExactly() {
        assertEquals(0, SegmentationLabels.decode(9, 0));
        assertEquals(256 + 7, SegmentationLabels.decode(19, 7));
        assertEquals(25 * 256 + 255, SegmentationLabels.decode(250, 255));
    }

    @Test
    void halvesExactlyWhenTwiceTheSize() {
        INDArray l = SegmentationLabels.read(Fixtures.image(tmp.resolve("a_seg.png"), 448, 448, SegmentationLabelsTest::rgb), 224);
        assertArrayEquals(new long[] {224, 224}, l.shape());
        int[] got = l.data().asInt();
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) assertEquals(cls(2 * x + 1, 2 * y + 1), got[y * 224 + x], x + "," + y);
        }
    }

    @Test
    void resizesNearestAndCropsLikeTheImage() {
        int w = 300, h = 200; // shorter side 200 → 224: 336 x 224, crop left 56
        int[] got = SegmentationLabels.read(Fixtures.image(tmp.resolve("b_seg.png"), w, h, SegmentationLabelsTest::rgb), 224)
                .data().asInt();
        int[] size = ImagePreprocessor.resizedSize(w, h, 224);
        assertArrayEquals(new int[] {336, 224}, size);
        int[] tl = ImagePreprocessor.centerCropOrigin(size[0], size[1], 224);
        assertArrayEquals(new int[] {0, 56}, tl);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int sx = (int) Math.floor((x + 56 + 0.5) * w / 336.0), sy = (int) Math.floor((y + 0.5) * h / 224.0);
                assertEquals(cls(sx, sy), got[y * 224 + x], x + "," + y);
            }
        }
    }

    @Test
    void keepsAnnotationThatIsAlreadyTheSize() {
        int[] got = SegmentationLabels.transform(
                io.denseav.data.ImageFiles.read(Fixtures.image(tmp.resolve("c_seg.png"), 224, 224, SegmentationLabelsTest::rgb)), 224);
        for (int y = 0; y < 224; y += 17) {
            for (int x = 0; x < 224; x += 13) assertEquals(cls(x, y), got[y * 224 + x]);
        }
    }
}
