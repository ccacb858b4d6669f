package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.Audio;
import io.denseav.data.AudioLoader;
import io.denseav.data.DataException;
import io.denseav.data.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes a short MP4 with audio and decodes it back with FFmpeg. */
class VideoRoundTripTest {
    static final int W = 64, H = 48, FRAMES = 12;
    static final double FPS = 12;

    @TempDir
    Path tmp;

    @Test
    void writtenVideoDecodesBackWithFramesSizeRateAndAudio() throws Exception {
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) frames.add(HeatmapOverlay.toBufferedImage(frame(i)));
        float[] audio = new float[16_000]; // 1 s of 440 Hz at 16 kHz = the 12 frames' duration
        for (int i = 0; i < audio.length; i++) audio[i] = 0.5f * (float) Math.sin(2 * Math.PI * 440 * i / 16_000.0);
        Path out = tmp.resolve("attention.mp4");
        VideoWriter.write(out, frames, FPS, audio);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(out), s.toList(), "no temporary files left");
        }

        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile())) {
            g.start();
            String video = avcodec.avcodec_get_name(g.getVideoCodec()).getString();
            String audioCodec = avcodec.avcodec_get_name(g.getAudioCodec()).getString();
            System.out.printf("encoder %s: %s + %s, %d bytes%n", VideoWriter.videoCodec(), video, audioCodec,
                    Files.size(out));
            assertEquals(VideoWriter.videoCodec().equals("mpeg4") ? "mpeg4" : "h264", video);
            assertEquals("aac", audioCodec);
            if (System.getProperty("viz.keep") != null) Files.copy(out, Path.of(System.getProperty("viz.keep")));
            assertTrue(g.hasAudio(), "audio stream");
            assertEquals(16_000, g.getSampleRate());
            assertEquals(1, g.getAudioChannels());
            g.stop();
        }
        VideoFrames back = VideoFrames.read(out);
        assertEquals(FRAMES, back.frames().size());
        assertEquals(W, back.width());
        assertEquals(H, back.height());
        assertEquals(FPS, back.fps(), 1e-6);
        for (int i = 0; i < FRAMES; i++) {
            double d = meanAbsDiff(frame(i), back.frames().get(i));
            assertTrue(d < 6, "frame " + i + " mean |diff| " + d);
        }
        Audio a = AudioLoader.load(out);
        assertEquals(16_000, a.sampleRate());
        assertTrue(Math.abs(a.samples().length - audio.length) <= 2048, "samples " + a.samples().length);
        double rms = 0;
        for (int i = 2048; i < 14_000; i++) rms += a.samples()[i] * a.samples()[i];
        rms = Math.sqrt(rms / (14_000 - 2048));
        assertEquals(0.5 / Math.sqrt(2), rms, 0.05, "audio rms");

        assertEquals(7, VideoFrames.read(out, 0.5).frames().size(), "frames with pts <= 0.5 s");
    }

    @Test
    void iteratorWithoutAudioGivesAVideoOnlyFile() {
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) frames.add(HeatmapOverlay.toBufferedImage(frame(i)));
        Path out = tmp.resolve("silent.mp4");
        VideoWriter.write(out, frames.iterator(), 25.0, null);
        assertEquals(3, VideoFrames.read(out).frames().size());
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> AudioLoader.load(out)), out,
                "no audio stream");
    }

    @Test
    void badFramesAreRejectedAndLeaveNothingBehind() throws Exception {
        Path out = tmp.resolve("bad.mp4");
        BufferedImage odd = new BufferedImage(63, 48, BufferedImage.TYPE_3BYTE_BGR);
        assertThrows(IllegalArgumentException.class, () -> VideoWriter.write(out, List.of(odd), FPS, null));
        BufferedImage a = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        BufferedImage b = new BufferedImage(32, 48, BufferedImage.TYPE_3BYTE_BGR);
        assertThrows(IllegalArgumentException.class, () -> VideoWriter.write(out, List.of(a, b), FPS, null));
        assertThrows(IllegalArgumentException.class, () -> VideoWriter.write(out, List.of(), FPS, null));
        assertThrows(IllegalArgumentException.class, () -> VideoWriter.write(out, List.of(a), 0, null));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "no partial output");
        }
    }

    @Test
    void badInputsAreOneLineNamingTheFile() throws Exception {
        Path missing = tmp.resolve("nope.mp4");
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> VideoFrames.read(missing)), missing,
                "no such file");
        Path text = Files.writeString(tmp.resolve("text.mp4"), "this is not a video\n".repeat(8));
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> VideoFrames.read(text)), text,
                "cannot decode video");
        Path empty = Files.createFile(tmp.resolve("empty.mp4"));
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> VideoFrames.read(empty)), empty,
                "empty file");
        Path wav = Files.write(tmp.resolve("tone.wav"), wav16k(new short[1600]));
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> VideoFrames.read(wav)), wav,
                "no video stream");
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> VideoFrames.read(tmp)), tmp,
                "is a directory");
    }

    /** A moving colour gradient, so that frames differ. */
    static RgbImage frame(int i) {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int o = (y * W + x) * 3;
                rgb[o] = (byte) (4 * x + 10 * i);
                rgb[o + 1] = (byte) (5 * y);
                rgb[o + 2] = (byte) (255 - 15 * i);
            }
        }
        return new RgbImage(W, H, rgb);
    }

    static double meanAbsDiff(RgbImage a, RgbImage b) {
        long s = 0;
        for (int i = 0; i < a.rgb().length; i++) s += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
        return (double) s / a.rgb().length;
    }

    private static byte[] wav16k(short[] pcm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + 2 * pcm.length).put("WAVE".getBytes()).put("fmt ".getBytes())
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000)
                .putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(2 * pcm.length);
        out.writeBytes(h.array());
        ByteBuffer d = ByteBuffer.allocate(2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : pcm) d.putShort(v);
        out.writeBytes(d.array());
        return out.toByteArray();
    }
}
