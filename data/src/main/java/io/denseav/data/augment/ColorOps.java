package io.denseav.data.augment;

import io.denseav.data.RgbImage;

/**
 * torchvision's adjust_hue on PIL images: convert to PIL's 8-bit HSV, add {@code uint8(hue·255)} to H with
 * wrap-around, convert back. PIL's conversions (libImaging/Convert.c, rgb2hsv / hsv2rgb) are reproduced in float32.
 */
final class ColorOps {
    private ColorOps() {
    }

    /** Rotates hue by {@code shift} of a full turn (−0.5..0.5). */
    static RgbImage shiftHue(RgbImage img, double shift) {
        int add = ((int) (shift * 255)) & 0xFF; // numpy's uint8 cast of hue_factor * 255, wrapping
        byte[] in = img.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 3) {
            int r = in[i] & 0xFF;
            int g = in[i + 1] & 0xFF;
            int b = in[i + 2] & 0xFF;
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            int h = 0;
            int s = 0;
            if (max != min) { // C float variables with double literals, as in Convert.c
                float cr = max - min;
                float sf = cr / max;
                float rc = (max - r) / cr;
                float gc = (max - g) / cr;
                float bc = (max - b) / cr;
                float hf = r == max ? bc - gc : g == max ? (float) (2.0 + rc - bc) : (float) (4.0 + gc - rc);
                hf = (float) ((hf / 6.0 + 1.0) % 1.0);
                h = clip8((int) (hf * 255.0));
                s = clip8((int) (sf * 255.0));
            }
            h = (h + add) & 0xFF;
            toRgb(h, s, max, out, i);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    private static void toRgb(int h, int s, int v, byte[] out, int at) {
        if (s == 0) {
            out[at] = out[at + 1] = out[at + 2] = (byte) v;
            return;
        }
        int i = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) i);
        float fs = (float) (((float) s) / 255.0);
        int p = clip8((int) Math.round((float) v * (1.0 - fs)));
        int q = clip8((int) Math.round((float) v * (1.0 - fs * f)));
        int t = clip8((int) Math.round((float) v * (1.0 - fs * (1.0 - f))));
        int[][] rgb = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
        int[] c = rgb[i % 6];
        out[at] = (byte) c[0];
        out[at + 1] = (byte) c[1];
        out[at + 2] = (byte) c[2];
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }
}
