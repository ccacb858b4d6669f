package io.denseav.training;

import io.denseav.data.readers.ManifestReader;
import io.denseav.data.readers.ReaderOptions;
import io.denseav.data.readers.Sample;
import io.denseav.data.train.TrainingSamples;
import io.denseav.graphs.DenseAvConfig;
import io.denseav.graphs.HubertConfig;
import io.denseav.graphs.VitConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A tiny paired data set for trainer tests: N pictures, each a coloured square at a class-specific place, paired with
 * a tone whose pitch names the class, plus a micro DenseAV (a few thousand weights) small enough for CI.
 */
final class TinyData {
    static final int IMAGE = 32;
    static final int SAMPLES = 16000;

    private TinyData() {
    }

    static DenseAvConfig microModel(int heads) {
        VitConfig image = new VitConfig(16, 1, 2, 8, 32, VitConfig.DENSEAV_EPS, 4.0);
        HubertConfig audio = new HubertConfig(16, 1, 2, 32, 8, new int[] {10, 3, 3, 3, 3, 2, 2}, new int[] {5, 2, 2, 2, 2, 2, 2},
                true, true, true, 8, 2, 1e-5, HubertConfig.DENSEAV_ENCODER_EPS);
        return new DenseAvConfig(image, audio, 8, heads, 2, false, true, "max_elementwise");
    }

    /** Writes {@code n} pairs and their manifest; returns the manifest. */
    static Path write(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<String> rows = new ArrayList<>(List.of("image,audio,label"));
        for (int i = 0; i < n; i++) {
            int cls = i % 4;
            BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++) for (int x = 0; x < 48; x++) img.setRGB(x, y, 0x202020 + 0x010101 * ((x * 7 + y * 3 + i) % 40));
            int x0 = (cls % 2) * 24, y0 = (cls / 2) * 20;
            for (int y = y0; y < y0 + 20; y++) for (int x = x0; x < x0 + 24; x++) img.setRGB(x, y, new int[] {0xE04040, 0x40E040, 0x4040E0, 0xE0E040}[cls]);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
            wav(dir.resolve("snd" + i + ".wav"), 220.0 * (cls + 1), 0.3 + 0.05 * (i % 3));
            rows.add("img" + i + ".png,snd" + i + ".wav," + (cls % 2));
        }
        Path csv = dir.resolve("pairs.csv");
        Files.write(csv, rows);
        return csv;
    }

    static TrainingSamples samples(Path csv, long seed) {
        return TrainingSamples.builder(new ManifestReader(csv, Sample.SPEECH, ReaderOptions.defaults().withSeed(seed)))
                .seed(seed).imageSize(IMAGE).audioSamples(SAMPLES).dropLast(true).threads(1).build();
    }

    /** A 16 kHz mono 16-bit WAV: a tone of {@code hz} for {@code seconds}. */
    static void wav(Path f, double hz, double seconds) throws IOException {
        int n = (int) (16000 * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / 16000)));
        Files.write(f, b.array());
    }
}
