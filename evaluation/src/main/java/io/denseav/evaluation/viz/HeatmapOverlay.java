package io.denseav.evaluation.viz;

import io.denseav.data.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DenseAV's heat-map overlays ({@code plotting.py}, reference §8.1), one picture at a time:
 * <ul>
 *   <li>{@link #overlay}: {@code plot_attention_video}'s frame: resize the map to the picture
 *       ({@link Interpolate}), clamp ≥ 0, min-max normalise, colour with {@link Colormap#infernoWithAlpha()} (alpha =
 *       value, so 0 is transparent) and alpha-blend over the picture;</li>
 *   <li>{@link #twoHead}: {@code plot_2head_attention_video}'s frame: per pixel only the larger head is kept (head 0
 *       where {@code head0 > head1}, else head 1), each head is clamped and min-max normalised on its own, and the
 *       layers are frame, then head 0 in {@link Colormap#red()} (language), then head 1 in
 *       {@link Colormap#blue()} (sound).</li>
 * </ul>
 * Blending is {@code alpha_blend_layers}: {@code a = a2 + a1(1 - a2)}, {@code rgb = (rgb2 a2 + rgb1 a1 (1 - a2)) /
 * max(a, 1e-7)} in double over the float32 frame {@code p / 255}, then {@code uint8(255 rgb)} (truncation), which
 * reproduces the reference's bytes. For a video, normalise over all frames as the reference does: resize each
 * frame's map, take {@link Range#of} over all of them, and call the {@code Range} overloads.
 */
public final class HeatmapOverlay {
    private HeatmapOverlay() {
    }

    /** The min and max of maps clamped at 0: the reference's {@code x.clamp_min(0); x -= x.min(); x /= x.max()}. */
    public record Range(float min, float max) {
        public Range {
            if (!(min <= max) || !Float.isFinite(min) || !Float.isFinite(max)) {
                throw new IllegalArgumentException("bad range [" + min + ", " + max + "]");
            }
        }

        /** The range of {@code max(v, 0)} over every value of every map (one map for a picture, all for a video). */
        public static Range of(float[][]... maps) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float[][] map : maps) {
                for (float[] row : map) {
                    for (float v : row) {
                        if (!Float.isFinite(v)) throw new IllegalArgumentException("heat map value " + v);
                        float c = Math.max(v, 0f);
                        lo = Math.min(lo, c);
                        hi = Math.max(hi, c);
                    }
                }
            }
            if (lo > hi) throw new IllegalArgumentException("no heat map values");
            return new Range(lo, hi);
        }

        /**
         * {@code (max(v, 0) - min) / (max - min)} in float32, as the reference's in-place steps compute it; a
         * constant map gives 0 (the reference's 0/0 is NaN, drawn fully transparent, which 0 is too).
         */
        public float normalise(float v) {
            float span = max - min;
            float x = Math.max(v, 0f) - min;
            return span > 0 ? x / span : 0f;
        }
    }

    /** {@link #overlay(RgbImage, float[][], Interpolate.Mode)} with bilinear resizing. */
    public static BufferedImage overlay(RgbImage picture, float[][] heat) {
        return overlay(picture, heat, Interpolate.Mode.BILINEAR);
    }

    /** The inferno overlay of {@code heat} [h][w] (any size), min-max normalised over this map. */
    public static BufferedImage overlay(RgbImage picture, float[][] heat, Interpolate.Mode mode) {
        float[][] up = Interpolate.resize(heat, picture.height(), picture.width(), mode);
        return overlay(picture, up, Range.of(up));
    }

    /** The inferno overlay of an [h, w] array (any size), min-max normalised over this map. */
    public static BufferedImage overlay(RgbImage picture, INDArray heat, Interpolate.Mode mode) {
        return overlay(picture, Interpolate.toMatrix(heat), mode);
    }

    /** The inferno overlay of a map already at the picture's size, normalised with a given (e.g. video-wide) range. */
    public static BufferedImage overlay(RgbImage picture, float[][] heatAtImageSize, Range range) {
        requireSize(picture, heatAtImageSize, "heat map");
        Objects.requireNonNull(range, "range");
        return blend(picture, new float[][][] {heatAtImageSize}, new Range[] {range},
                new Colormap[] {Colormap.infernoWithAlpha()});
    }

    /** The two-head overlay of head 0 and head 1 [h][w] (any size), each normalised over its own kept pixels. */
    public static BufferedImage twoHead(RgbImage picture, float[][] head0, float[][] head1, Interpolate.Mode mode) {
        float[][][] kept = keepLarger(Interpolate.resize(head0, picture.height(), picture.width(), mode),
                Interpolate.resize(head1, picture.height(), picture.width(), mode));
        return twoHead(picture, kept[0], kept[1], Range.of(kept[0]), Range.of(kept[1]));
    }

    /** The two-head overlay of an INDArray pair of [h, w] maps. */
    public static BufferedImage twoHead(RgbImage picture, INDArray head0, INDArray head1, Interpolate.Mode mode) {
        return twoHead(picture, Interpolate.toMatrix(head0), Interpolate.toMatrix(head1), mode);
    }

    /**
     * The two-head overlay of maps already at the picture's size and already passed through {@link #keepLarger},
     * with given (e.g. video-wide) ranges: red for head 0, then blue for head 1.
     */
    public static BufferedImage twoHead(RgbImage picture, float[][] kept0, float[][] kept1, Range range0,
                                        Range range1) {
        requireSize(picture, kept0, "head 0");
        requireSize(picture, kept1, "head 1");
        return blend(picture, new float[][][] {kept0, kept1},
                new Range[] {Objects.requireNonNull(range0, "range0"), Objects.requireNonNull(range1, "range1")},
                new Colormap[] {Colormap.red(), Colormap.blue()});
    }

    /**
     * The reference's {@code mask = sims_1 > sims_2; sims_1 *= mask; sims_2 *= ~mask}: {kept0, kept1}, each map
     * zero where the other head wins (ties go to head 1).
     */
    public static float[][][] keepLarger(float[][] head0, float[][] head1) {
        if (head0.length != head1.length) throw new IllegalArgumentException("head maps differ in height");
        float[][] k0 = new float[head0.length][], k1 = new float[head1.length][];
        for (int y = 0; y < head0.length; y++) {
            if (head0[y].length != head1[y].length) throw new IllegalArgumentException("head maps differ in width");
            k0[y] = new float[head0[y].length];
            k1[y] = new float[head1[y].length];
            for (int x = 0; x < head0[y].length; x++) {
                boolean first = head0[y][x] > head1[y][x];
                k0[y][x] = head0[y][x] * (first ? 1f : 0f);
                k1[y][x] = head1[y][x] * (first ? 0f : 1f);
            }
        }
        return new float[][][] {k0, k1};
    }

    /** The picture as a {@code TYPE_3BYTE_BGR} image. */
    public static BufferedImage toBufferedImage(RgbImage picture) {
        int w = picture.width(), h = picture.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = picture.rgb();
        for (int i = 0; i < w * h * 3; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return img;
    }

    /**
     * Writes {@code image} as PNG through a temporary file and a rename; a {@link io.denseav.data.DataException}
     * naming {@code out} if it cannot be written.
     */
    public static void writePng(BufferedImage image, Path out) {
        Objects.requireNonNull(image, "image");
        AtomicFiles.write(out, "PNG", tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IllegalStateException("no PNG writer");
        });
    }

    /** {@code alpha_blend_layers([frame, cmap_1(maps_1), ...])}. */
    private static BufferedImage blend(RgbImage picture, float[][][] maps, Range[] ranges, Colormap[] cmaps) {
        int w = picture.width(), h = picture.height();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] src = picture.rgb();
        int[] idx = new int[maps.length];
        double[] rgb = new double[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                for (int l = 0; l < maps.length; l++) {
                    float v = maps[l][y][x];
                    if (!Float.isFinite(v)) throw new IllegalArgumentException("heat map value " + v);
                    idx[l] = Colormap.index(ranges[l].normalise(v));
                }
                for (int c = 0; c < 3; c++) rgb[c] = (float) (src[o + c] & 0xFF) / 255f; // frames.float() / 255
                double a1 = 1;
                for (int l = 0; l < maps.length; l++) {
                    double a2 = cmaps[l].alpha(idx[l]);
                    double a = a2 + a1 * (1 - a2);
                    double denom = Math.max(a, 1e-7);
                    for (int c = 0; c < 3; c++) rgb[c] = (cmaps[l].channel(idx[l], c) * a2 + rgb[c] * a1 * (1 - a2)) / denom;
                    a1 = a;
                }
                for (int c = 0; c < 3; c++) bgr[o + 2 - c] = (byte) (int) Math.min(255, Math.max(0, rgb[c] * 255));
            }
        }
        return out;
    }

    private static void requireSize(RgbImage picture, float[][] map, String what) {
        Objects.requireNonNull(picture, "picture");
        if (map.length != picture.height() || (map.length > 0 && map[0].length != picture.width())) {
            throw new IllegalArgumentException(what + " is " + map.length + "x" + (map.length == 0 ? 0 : map[0].length)
                    + " (rows x columns), the picture " + picture.height() + "x" + picture.width());
        }
        for (float[] row : map) {
            if (row.length != picture.width()) throw new IllegalArgumentException(what + " has ragged rows");
        }
    }
}
