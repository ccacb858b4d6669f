package io.denseav.data.tuxpaint;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.*;

class SegLabelsTest {
    @Test
    void adeEncoding() {
        int[] labels = {0, 1, 255, 256, 300, 6000};
        BufferedImage img = SegLabels.encode(labels, 6, 1);
        assertEquals(0x000100, img.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(10 << 16 | 44 << 8, img.getRGB(4, 0) & 0xFFFFFF, "300 = 1*256 + 44 -> R=10, G=44");
        assertArrayEquals(labels, SegLabels.decode(img));
        assertThrows(IllegalArgumentException.class, () -> SegLabels.encode(new int[]{26 * 256}, 1, 1));
    }
}
