package io.denseav.data.tuxpaint;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pastes RGBA stamps onto a square background crop: alpha-blended pixels plus a per-pixel class map, where a
 * pixel takes a stamp's class when the (scaled) stamp alpha there is at least 128; later stamps occlude earlier ones.
 */
public final class Compositor {
    /** Stamp size range, as a fraction of the side (longer stamp side). */
    static final double MIN_SCALE = 0.25, MAX_SCALE = 0.60;

    /** A composed picture: RGB pixels, row-major class ids (0 = background), and where each stamp went. */
    public record Composition(BufferedImage image, int[] labels, List<Placement> placements) {
    }

    /** One pasted stamp: class, top-left corner, size, and how many pixels it still labels. */
    public record Placement(int classId, int x, int y, int w, int h, int visiblePixels) {
    }

    private Compositor() {
    }

    /** A random {@code side x side} crop of {@code wall}, resized so that its shorter side is side..1.25 side. */
    public static BufferedImage backgroundCrop(BufferedImage wall, int side, SplittableRandom rng) {
        int target = side + rng.nextInt(side / 4 + 1);
        double s = (double) target / Math.min(wall.getWidth(), wall.getHeight());
        int w = Math.max(side, (int) Math.round(wall.getWidth() * s)), h = Math.max(side, (int) Math.round(wall.getHeight() * s));
        BufferedImage scaled = Images.resize(wall, w, h, BufferedImage.TYPE_INT_RGB);
        int x = rng.nextInt(w - side + 1), y = rng.nextInt(h - side + 1);
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(scaled, -x, -y, null);
        g.dispose();
        return out;
    }

    /** Pastes {@code stamps} (RGBA images, with their class ids) in order, at random scale and position. */
    public static Composition compose(BufferedImage background, List<BufferedImage> stamps, int[] classIds,
                                      SplittableRandom rng) {
        int side = background.getWidth(), h0 = background.getHeight();
        int[] rgb = background.getRGB(0, 0, side, h0, null, 0, side);
        int[] labels = new int[side * h0];
        int[][] boxes = new int[stamps.size()][];
        for (int i = 0; i < stamps.size(); i++) {
            BufferedImage st = stamps.get(i);
            double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble();
            double f = scale * Math.min(side, h0) / Math.max(st.getWidth(), st.getHeight());
            int w = Math.max(1, (int) Math.round(st.getWidth() * f)), h = Math.max(1, (int) Math.round(st.getHeight() * f));
            BufferedImage sc = Images.resize(st, w, h, BufferedImage.TYPE_INT_ARGB_PRE);
            int x0 = rng.nextInt(Math.max(1, side - w + 1)), y0 = rng.nextInt(Math.max(1, h0 - h + 1));
            int[] px = sc.getRGB(0, 0, w, h, null, 0, w); // non-premultiplied ARGB
            for (int y = 0; y < h && y0 + y < h0; y++) {
                for (int x = 0; x < w && x0 + x < side; x++) {
                    int p = px[y * w + x], a = p >>> 24;
                    if (a == 0) continue;
                    int o = (y0 + y) * side + x0 + x;
                    rgb[o] = blend(rgb[o], p, a);
                    if (a >= 128) labels[o] = classIds[i];
                }
            }
            boxes[i] = new int[]{x0, y0, w, h};
        }
        List<Placement> placements = new java.util.ArrayList<>();
        for (int i = 0; i < stamps.size(); i++) {
            int id = classIds[i], n = 0;
            for (int l : labels) if (l == id) n++;
            placements.add(new Placement(id, boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], n));
        }
        BufferedImage out = new BufferedImage(side, h0, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, side, h0, rgb, 0, side);
        return new Composition(out, labels, List.copyOf(placements));
    }

    /** {@code a * fg + (255 - a) * bg}, per channel, rounded. */
    static int blend(int bg, int fg, int a) {
        int r = 0xFF000000;
        for (int shift = 0; shift <= 16; shift += 8) {
            int b = (bg >> shift) & 0xFF, f = (fg >> shift) & 0xFF;
            r |= ((f * a + b * (255 - a) + 127) / 255) << shift;
        }
        return r;
    }

    /** For {@link RenderingHints} users: the hints the resizes use. */
    static void quality(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }
}
