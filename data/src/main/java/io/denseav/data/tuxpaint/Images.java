package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading RGBA pictures, bilinear resizing (halving first for large reductions) and JPEG/PNG writing. */
final class Images {
    private Images() {
    }

    /** A picture with its alpha kept (unlike {@link io.denseav.data.ImageFiles}, which drops it), as ARGB. */
    static BufferedImage readArgb(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) throw new DataException(file, "not a readable image");
            BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = out.createGraphics();
            g.drawImage(img, 0, 0, null);
            g.dispose();
            return out;
        } catch (IOException e) {
            throw new DataException(file, "cannot read image: " + e.getMessage(), e);
        }
    }

    /** {@code src} resized to {@code w x h} as {@code type}; reductions beyond 2x go through repeated halving. */
    static BufferedImage resize(BufferedImage src, int w, int h, int type) {
        BufferedImage cur = src;
        while (cur.getWidth() / 2 >= w && cur.getHeight() / 2 >= h) {
            cur = draw(cur, cur.getWidth() / 2, cur.getHeight() / 2, type);
        }
        return draw(cur, w, h, type);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, int type) {
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        Compositor.quality(g);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Writes a JPEG at the given quality (0..1). */
    static void writeJpeg(BufferedImage img, Path file, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new DataException(file, "cannot write JPEG: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    /** Writes a PNG. */
    static void writePng(BufferedImage img, Path file) {
        try {
            if (!ImageIO.write(img, "png", file.toFile())) throw new DataException(file, "no PNG writer");
        } catch (IOException e) {
            throw new DataException(file, "cannot write PNG: " + e.getMessage(), e);
        }
    }
}
