package io.denseav.data.augment;

import io.denseav.data.PilBilinear;
import io.denseav.data.RgbImage;
import java.util.SplittableRandom;

/**
 * DenseAV's training image augmentation (denseav-reference.md §5.4), torchvision semantics on 8-bit pixels:
 * RandomResizedCrop(224, scale (0.08, 1), ratio (3/4, 4/3)), RandomHorizontalFlip, ColorJitter(0.2, 0.2, 0.2, 0.2)
 * with the four adjustments in random order, RandomGrayscale(p = 0.1). Deterministic for a given random source.
 */
public final class ImageAugment {
    private final int size;
    private final double jitter;
    private final double grayscale;
    private final double minScale;

    private ImageAugment(int size, double jitter, double grayscale, double minScale) {
        this.size = size;
        this.jitter = jitter;
        this.grayscale = grayscale;
        this.minScale = minScale;
    }

    /** The reference's settings: 224, jitter 0.2, grayscale 0.1, crop scale (0.08, 1). */
    public static ImageAugment denseav() {
        return new ImageAugment(224, 0.2, 0.1, 0.08);
    }

    /** The same augmentation with another output size ({@code RandomResizedCrop(size)}). */
    public ImageAugment withSize(int newSize) {
        if (newSize <= 0) throw new IllegalArgumentException("size " + newSize);
        return new ImageAugment(newSize, jitter, grayscale, minScale);
    }

    /**
     * The same augmentation with {@code RandomResizedCrop(scale=(min, 1))}: a crop keeps at least this fraction of the
     * area. With 1–3 small objects per picture the reference's 0.08 often crops the named object away.
     */
    public ImageAugment withMinScale(double min) {
        if (!(min > 0 && min <= 1)) throw new IllegalArgumentException("crop scale " + min + " is not in (0, 1]");
        return new ImageAugment(size, jitter, grayscale, min);
    }

    /**
     * The same augmentation with {@code ColorJitter(jitter, jitter, jitter, jitter)} and {@code RandomGrayscale(grayscale)};
     * 0 and 0 turn colour augmentation off (the torch probe from scratch stalls with the reference's 0.2 and 0.1).
     */
    public ImageAugment withColor(double newJitter, double newGrayscale) {
        if (!(newJitter >= 0 && newJitter <= 0.5) || !(newGrayscale >= 0 && newGrayscale <= 1)) {
            throw new IllegalArgumentException("colour jitter " + newJitter + " / grayscale " + newGrayscale + " out of range");
        }
        return new ImageAugment(size, newJitter, newGrayscale, minScale);
    }

    public RgbImage apply(RgbImage img, SplittableRandom rnd) {
        RgbImage x = randomResizedCrop(img, rnd);
        if (rnd.nextDouble() < 0.5) x = flip(x);
        if (jitter > 0) x = colorJitter(x, rnd);
        if (rnd.nextDouble() < grayscale) x = gray(x);
        return x;
    }

    /** torchvision RandomResizedCrop.get_params: 10 tries of area/ratio sampling, else a centre crop. */
    RgbImage randomResizedCrop(RgbImage img, SplittableRandom rnd) {
        int w = img.width();
        int h = img.height();
        double area = (double) w * h;
        for (int i = 0; i < 10; i++) {
            double target = area * (minScale + rnd.nextDouble() * (1 - minScale));
            double logRatio = Math.log(3.0 / 4) + rnd.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
            double ratio = Math.exp(logRatio);
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int top = rnd.nextInt(h - ch + 1);
                int left = rnd.nextInt(w - cw + 1);
                return PilBilinear.resize(img.crop(top, left, ch, cw), size, size);
            }
        }
        double inRatio = (double) w / h; // fallback: centre crop clamped to the ratio range
        int cw = w;
        int ch = h;
        if (inRatio < 3.0 / 4) ch = (int) Math.round(w / (3.0 / 4));
        else if (inRatio > 4.0 / 3) cw = (int) Math.round(h * (4.0 / 3));
        return PilBilinear.resize(img.crop((h - ch) / 2, (w - cw) / 2, ch, cw), size, size);
    }

    static RgbImage flip(RgbImage img) {
        int w = img.width();
        byte[] out = new byte[img.rgb().length];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(img.rgb(), (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, img.height(), out);
    }

    /** ColorJitter: brightness, contrast, saturation factors in [1 − j, 1 + j], hue in [−j, j], random order. */
    RgbImage colorJitter(RgbImage img, SplittableRandom rnd) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = 1 - jitter + rnd.nextDouble() * 2 * jitter;
        double c = 1 - jitter + rnd.nextDouble() * 2 * jitter;
        double s = 1 - jitter + rnd.nextDouble() * 2 * jitter;
        double hue = -jitter + rnd.nextDouble() * 2 * jitter;
        RgbImage x = img;
        for (int op : order) {
            switch (op) {
                case 0: x = blend(x, null, b); break; // with black
                case 1: x = contrast(x, c); break; // with the mean gray
                case 2: x = blend(x, gray(x), s); break; // with the grayscale image
                default: x = ColorOps.shiftHue(x, hue); break;
            }
        }
        return x;
    }

    /**
     * PIL ImageEnhance (Image.blend(degenerate, img, factor)): other + factor·(img − other) in float32, truncated
     * and clipped as ImagingBlend does; other = null means black.
     */
    static RgbImage blend(RgbImage img, RgbImage other, double factor) {
        float alpha = (float) factor;
        byte[] out = new byte[img.rgb().length];
        for (int i = 0; i < out.length; i++) {
            int o = other == null ? 0 : other.rgb()[i] & 0xFF;
            float v = o + alpha * ((img.rgb()[i] & 0xFF) - o);
            out[i] = (byte) (v <= 0f ? 0 : v >= 255f ? 255 : (int) v);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** PIL's convert("L"): (R·19595 + G·38470 + B·7471 + 0x8000) >> 16, replicated to three channels. */
    static RgbImage gray(RgbImage img) {
        byte[] out = new byte[img.rgb().length];
        for (int i = 0; i < out.length; i += 3) {
            int l = ((img.rgb()[i] & 0xFF) * 19595 + (img.rgb()[i + 1] & 0xFF) * 38470 + (img.rgb()[i + 2] & 0xFF) * 7471
                    + 0x8000) >> 16;
            out[i] = out[i + 1] = out[i + 2] = (byte) l;
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** PIL ImageEnhance.Contrast: blend with the image's mean gray level. */
    static RgbImage contrast(RgbImage img, double factor) {
        return blend(img, meanGray(img), factor);
    }

    private static RgbImage meanGray(RgbImage img) {
        RgbImage g = gray(img);
        long sum = 0;
        for (int i = 0; i < g.rgb().length; i += 3) sum += g.rgb()[i] & 0xFF;
        byte mean = (byte) (int) (sum / (g.rgb().length / 3.0) + 0.5); // int(ImageStat mean + 0.5)
        byte[] out = new byte[g.rgb().length];
        java.util.Arrays.fill(out, mean);
        return new RgbImage(img.width(), img.height(), out);
    }
}
