package io.denseav.data.readers;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/** Tiny fixture files written by the tests themselves: PNG/JPEG pictures and 16-bit PCM WAVs. */
public final class Fixtures {
    static final Path MP4 = Path.of("..", "test-fixtures", "src", "main", "resources", "fixtures", "preprocess",
            "audio", "video_aac_22050_mono.mp4");

    private Fixtures() {
    }

    /** A {@code w x h} picture whose pixel (x, y) is {@code rgb.applyAsInt(x, y)} (0xRRGGBB). */
    public static Path image(Path file, int w, int h, IntBinaryOperator rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) img.setRGB(x, y, rgb.applyAsInt(x, y));
        }
        String name = file.getFileName().toString();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", file.toFile())) throw new IOException("no writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A solid-colour picture. */
    public static Path solid(Path file, int w, int h, int rgb) {
        return image(file, w, h, (x, y) -> rgb);
    }

    /** A mono 16-bit PCM WAV of {@code n} samples at {@code rate}: a ramp. */
    public static Path wav(Path file, int rate, int n) {
        return wav(file, rate, n, i -> (i * 37) % 20000 - 10000);
    }

    /** A mono 16-bit PCM WAV of {@code n} samples at {@code rate}, sample {@code i} being {@code value.applyAsInt(i)}. */
    public static Path wav(Path file, int rate, int n, IntUnaryOperator value) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) value.applyAsInt(i));
        return write(file, b.array());
    }

    public static Path text(Path file, String content) {
        return write(file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The normalised value of channel 0 for red level {@code r} (to recognise solid pictures). */
    public static float red(int r) {
        return ((float) r / 255f - 0.485f) / 0.229f;
    }
}
