package io.denseav.data.augment;

import io.denseav.data.RgbImage;

/** Colour-space helpers for the jitter: a hue rotation through HSV, as torchvision's adjust_hue. */
final class ColorOps {
    private ColorOps() {
    }

    /** Rotates hue by {@code shift} of a full turn (−0.5..0.5). */
    static RgbImage shiftHue(RgbImage img, double shift) {
        byte[] in = img.rgb();
        byte[] out = new byte[in.length];
        float[] hsv = new float[3];
        for (int i = 0; i < in.length; i += 3) {
            java.awt.Color.RGBtoHSB(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF, hsv);
            float h = (float) ((hsv[0] + shift) % 1.0);
            if (h < 0) h += 1f;
            int rgb = java.awt.Color.HSBtoRGB(h, hsv[1], hsv[2]);
            out[i] = (byte) (rgb >> 16);
            out[i + 1] = (byte) (rgb >> 8);
            out[i + 2] = (byte) rgb;
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
