package io.denseav.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG, JPEG, BMP and GIF files with {@code javax.imageio} into the pixels that DenseAV's
 * {@code Image.open(file).convert("RGB")} gives:
 * <ul>
 *   <li>grayscale (with or without alpha) is replicated into R, G and B, read from the raster, not through
 *       {@code getRGB}, which would gamma-convert Java's linear gray colour space;</li>
 *   <li>palette images are looked up in their palette;</li>
 *   <li>alpha is dropped, not composited (PIL's RGBA to RGB conversion);</li>
 *   <li>embedded ICC profiles are ignored, as PIL ignores them;</li>
 *   <li>16-bit samples keep their high byte (PIL's "RGB;16B" raw mode). PIL clips 16-bit <em>grayscale</em> to
 *       255 instead, so that one case differs.</li>
 * </ul>
 * JPEG is decoded by the JDK's IJG libjpeg 6b and PIL uses libjpeg-turbo; both default to the integer IDCT and
 * fancy upsampling, so results agree to within a level or two. Decoder warnings (for example a truncated JPEG,
 * which ImageIO would otherwise fill with gray) are errors, as PIL raises "image file is truncated".
 */
public final class ImageFiles {
    /** PIL's decompression-bomb error threshold (2 x {@code Image.MAX_IMAGE_PIXELS}). */
    static final long MAX_PIXELS = 2L * 89_478_485;

    private ImageFiles() {
    }

    /** The RGB pixels of an image file; {@link DataException} naming the file if it cannot be read. */
    public static RgbImage read(Path file) {
        InputFiles.requireReadable(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new DataException(file, "cannot open file");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new DataException(file, "not a readable image (PNG, JPEG, BMP or GIF expected)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new DataException(file, "image too large (" + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; PIL refuses more than " + MAX_PIXELS + ")");
                }
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) throw new DataException(file, "corrupt image data: " + warnings.get(0));
                return toRgb(img);
            } finally {
                reader.dispose();
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncated or damaged data as IIOException, and fuzzed data sometimes as runtime errors.
            String cause = e.getCause() == null ? "" : " (" + InputFiles.message(e.getCause()) + ")";
            throw new DataException(file, "corrupt or unsupported image data: " + InputFiles.message(e) + cause, e);
        }
    }

    /** PIL's {@code convert("RGB")} of a decoded picture (see the class comment). */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = img.getColorModel();
        int colors = cm.getNumColorComponents();
        if (cm instanceof IndexColorModel || (colors != 1 && colors != 3) || cm.getComponentSize(0) < 8) {
            // palettes hold sRGB bytes already; CMYK and packed 5/6-bit pixels are converted by Java2D
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    out[o] = (byte) (argb[x] >> 16);
                    out[o + 1] = (byte) (argb[x] >> 8);
                    out[o + 2] = (byte) argb[x];
                }
            }
            return new RgbImage(w, h, out);
        }
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        int shift = Math.max(0, cm.getComponentSize(0) - 8);
        int[] px = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = x * bands;
                if (colors == 1) {
                    byte g = (byte) (px[p] >> shift);
                    out[o] = g;
                    out[o + 1] = g;
                    out[o + 2] = g;
                } else {
                    out[o] = (byte) (px[p] >> shift);
                    out[o + 1] = (byte) (px[p + 1] >> shift);
                    out[o + 2] = (byte) (px[p + 2] >> shift);
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
