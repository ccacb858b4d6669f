package io.denseav.data.tuxpaint;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class CompositorTest {
    static BufferedImage solid(int w, int h, int argb, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, argb);
        return img;
    }

    /** Left half opaque red, right half fully transparent. */
    static BufferedImage halfStamp(int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < side; y++) for (int x = 0; x < side / 2; x++) img.setRGB(x, y, 0xFFFF0000);
        return img;
    }

    @Test
    void labelsFollowAlphaAndPixelsBlend() {
        BufferedImage bg = solid(64, 64, 0xFF0000FF, BufferedImage.TYPE_INT_RGB);
        Compositor.Composition c = Compositor.compose(bg, List.of(halfStamp(40)), new int[]{7}, new SplittableRandom(1));
        Compositor.Placement p = c.placements().get(0);
        int labelled = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int l = c.labels()[y * 64 + x], rgb = c.image().getRGB(x, y) & 0xFFFFFF;
                if (l == 7) {
                    labelled++;
                    assertTrue(x >= p.x() && x < p.x() + p.w() && y >= p.y() && y < p.y() + p.h());
                    assertTrue((rgb >> 16) > 127, "labelled pixel mostly stamp colour");
                } else {
                    assertEquals(0, l);
                    if (x < p.x() || x >= p.x() + p.w() || y < p.y() || y >= p.y() + p.h()) assertEquals(0x0000FF, rgb);
                }
            }
        }
        assertEquals(p.visiblePixels(), labelled);
        assertTrue(labelled > 0 && labelled <= p.w() * p.h() / 2 + p.h(), "about half of the box");
    }

    @Test
    void laterStampsOcclude() {
        BufferedImage bg = solid(32, 32, 0xFF000000, BufferedImage.TYPE_INT_RGB);
        BufferedImage full = solid(64, 64, 0xFF00FF00, BufferedImage.TYPE_INT_ARGB);
        // two full-cover stamps at max scale 0.6 overlap in the centre region of a 32 px frame? check overlap directly
        Compositor.Composition c = Compositor.compose(bg, List.of(full, full), new int[]{1, 2}, new SplittableRandom(3));
        Compositor.Placement a = c.placements().get(0), b = c.placements().get(1);
        for (int y = b.y(); y < b.y() + b.h(); y++) for (int x = b.x(); x < b.x() + b.w(); x++) assertEquals(2, c.labels()[y * 32 + x]);
        assertEquals(b.w() * b.h(), b.visiblePixels());
        assertTrue(a.visiblePixels() <= a.w() * a.h());
    }

    @Test
    void backgroundCropIsSquareAndDeterministic() {
        BufferedImage wall = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) for (int x = 0; x < 300; x++) wall.setRGB(x, y, x << 8 | y);
        BufferedImage a = Compositor.backgroundCrop(wall, 64, new SplittableRandom(9));
        BufferedImage b = Compositor.backgroundCrop(wall, 64, new SplittableRandom(9));
        assertEquals(64, a.getWidth());
        assertEquals(64, a.getHeight());
        assertArrayEquals(a.getRGB(0, 0, 64, 64, null, 0, 64), b.getRGB(0, 0, 64, 64, null, 0, 64));
    }

    @Test
    void blendIsExactAtTheEnds() {
        assertEquals(0xFF123456, Compositor.blend(0x123456, 0xFF123456, 255) | 0xFF000000);
        assertEquals(0xFFABCDEF, Compositor.blend(0xABCDEF, 0x00000000, 0));
    }
}
