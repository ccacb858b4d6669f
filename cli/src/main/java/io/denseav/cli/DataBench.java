package io.denseav.cli;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.ImageFiles;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.RgbImage;
import io.denseav.data.augment.AudioAugment;
import io.denseav.data.augment.ImageAugment;
import io.denseav.data.readers.Prefetcher;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code denseav bench data}: samples/s of one training sample's data work on this machine: decode a 640×480 JPEG
 * and a 10 s 44.1 kHz stereo WAV, augment the image (RandomResizedCrop, flip, jitter, grayscale) and normalise it,
 * resample, pad to 164,200 samples, splice a negative, mask a random window, normalise. One thread.
 */
@Command(name = "data", description = "Samples/s of decode + augment for a 224² image and a 10 s clip (one thread).")
final class DataBench implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "Measurement time (default ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = "--threads", defaultValue = "2", description = "Loader threads, through the Prefetcher (default ${DEFAULT-VALUE}).")
    int threads;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("denseav-bench-data");
        try {
            Path jpg = dir.resolve("image.jpg");
            Path wav = dir.resolve("clip.wav");
            writeJpeg(jpg);
            writeWav(wav, 10 * 44100, 44100);
            float[] negative = AudioPreprocessor.padded(AudioPreprocessor.DENSEAV_SAMPLES).normalized(false).apply(wav).audio().toFloatVector();
            java.util.function.IntFunction<Boolean> load = index -> {
                SplittableRandom rnd = new SplittableRandom(index);
                RgbImage img = ImageAugment.denseav().apply(ImageFiles.read(jpg), rnd);
                ImagePreprocessor.toTensor(img);
                PreprocessedAudio clip = AudioPreprocessor.padded(AudioPreprocessor.DENSEAV_SAMPLES).normalized(false).apply(wav);
                float[] audio = clip.audio().toFloatVector();
                float[] mask = clip.mask().toFloatVector();
                AudioAugment.Spliced s = AudioAugment.spliceNegative(audio, negative, rnd);
                AudioAugment.randomWindow(s.audio(), mask, rnd);
                return AudioAugment.keep(mask);
            };
            for (int i = 0; i < 3; i++) load.apply(-1 - i);
            PrintWriter out = spec.commandLine().getOut();
            for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
                long start = System.nanoTime();
                int n = 0;
                try (Prefetcher<Boolean> p = new Prefetcher<>(java.util.stream.IntStream.range(0, 1_000_000).boxed().toList(),
                        load, t, 2 * t)) {
                    while (System.nanoTime() - start < seconds * 1e9 && p.hasNext()) {
                        p.next();
                        n++;
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                out.printf("decode + augment, 640x480 JPEG + 10 s 44.1 kHz stereo WAV: %.1f samples/s with %d thread%s "
                        + "(%d samples in %.1f s)%n", n / secs, t, t == 1 ? "" : "s", n, secs);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private static void writeJpeg(Path f) throws IOException {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(1);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) img.setRGB(x, y, (x * 255 / 640) << 16 | (y * 255 / 480) << 8 | r.nextInt(256));
        }
        if (!ImageIO.write(img, "jpg", f.toFile())) throw new UncheckedIOException(new IOException("no JPEG writer"));
    }

    private static void writeWav(Path f, int frames, int rate) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(44 + frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + frames * 4).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 2).putInt(rate).putInt(rate * 4).putShort((short) 4).putShort((short) 16)
                .put("data".getBytes()).putInt(frames * 4);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < frames * 2; i++) b.putShort((short) (r.nextInt(2000) - 1000));
        Files.write(f, b.array());
    }
}
