package io.denseav.data.tuxpaint;

import java.awt.image.BufferedImage;

/**
 * ADE20K's {@code _seg.png} class encoding: class = ⌊R / 10⌋ · 256 + G, so class c is written as
 * R = (c / 256) · 10, G = c % 256, B = 0.
 */
public final class SegLabels {
    private SegLabels() {
    }

    /** The RGB label picture of row-major class ids. */
    public static BufferedImage encode(int[] labels, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c / 256 * 10 > 255) throw new IllegalArgumentException("class id out of range: " + c);
            px[i] = ((c / 256) * 10) << 16 | (c % 256) << 8;
        }
        img.setRGB(0, 0, width, height, px, 0, width);
        return img;
    }

    /** The class ids of a label picture (the inverse of {@link #encode}). */
    public static int[] decode(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w), out = new int[w * h];
        for (int i = 0; i < px.length; i++) out[i] = ((px[i] >> 16) & 0xFF) / 10 * 256 + ((px[i] >> 8) & 0xFF);
        return out;
    }
}
