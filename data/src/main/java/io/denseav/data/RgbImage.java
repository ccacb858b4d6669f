package io.denseav.data;

import java.util.Objects;

/**
 * An 8-bit RGB picture, row-major and interleaved ({@code rgb[(y * width + x) * 3 + c]}, values 0..255 stored as
 * bytes), i.e. the pixels of a PIL image in mode "RGB" as {@code numpy.asarray(img)} shows them.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
            throw new IllegalArgumentException("expected " + width + "x" + height + "x3 bytes, got " + rgb.length);
        }
    }

    /** Channel {@code c} of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** The {@code w x h} window whose top-left pixel is (left, top); like {@code tensor[:, top:top+h, left:left+w]}. */
    public RgbImage crop(int top, int left, int h, int w) {
        if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > height || left + w > width) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + left + "+" + top + " outside "
                    + width + "x" + height);
        }
        if (top == 0 && left == 0 && h == height && w == width) return this;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
