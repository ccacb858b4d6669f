package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.FrameMask;
import io.denseav.data.ImageFiles;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.AudioPreprocessor;
import io.denseav.evaluation.viz.VideoFrames;
import io.denseav.fixtures.Fixtures;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.MisaAggregator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** heatmap, retrieve and video end to end on the tiny 2-head model, and their one-line errors. */
class DenseAvCommandsTest {
    private static final Path MODEL = Fixtures.path("denseav/tiny_2head/model.ckpt");
    private static final Path HF = Fixtures.path("denseav/tiny_2head_hf");
    private static final Path IMAGE = Fixtures.path("preprocess/images/big_520x470.png");
    private static final Path AUDIO = Fixtures.path("preprocess/audio/s16_44100_stereo.wav");
    private static final Path VIDEO = Fixtures.path("preprocess/audio/video_aac_22050_mono.mp4");

    @TempDir
    Path tmp;

    @Test
    void heatmapWritesOverlayVolumeAndTwoHeadPicture() throws Exception {
        Path out = tmp.resolve("h.png");
        Path vol = tmp.resolve("v.npy");
        CliTest.Result r = CliTest.run("heatmap", "--model", HF.toString(), "--image", IMAGE.toString(), "--audio",
                AUDIO.toString(), "--out", out.toString(), "--npy", vol.toString(), "--heads");
        assertEquals(0, r.code(), r.err());
        BufferedImage png = ImageIO.read(out.toFile());
        assertEquals(240, png.getWidth()); // 520x470 → shorter side 224 → 247 → cropped to a multiple of 8
        assertEquals(224, png.getHeight());
        assertTrue(Files.exists(tmp.resolve("h.heads.png")));
        // the volume file is what the library computes for the same inputs
        try (DenseAv m = DenseAv.load(MODEL)) {
            INDArray v = m.imageFeatures(ImagePreprocessor.toTensor(ImagePreprocessor.demo(8).transform(ImageFiles.read(IMAGE))));
            PreprocessedAudio clip = AudioPreprocessor.denseav().apply(AUDIO);
            INDArray a = m.audioFeatures(clip.audio());
            INDArray expected = m.pairedVolume(a, FrameMask.of(clip.mask(), (int) a.size(3)), v).get(
                    org.nd4j.linalg.indexing.NDArrayIndex.point(0));
            assertEquals(expected, FeaturesCommandTest.npy(vol));
        }
    }

    @Test
    void retrieveScoresEveryClipAgainstEveryImage() throws Exception {
        Path images = Files.createDirectory(tmp.resolve("images"));
        Files.copy(IMAGE, images.resolve("a.png"));
        Files.copy(Fixtures.path("preprocess/images/bgr_40x32.bmp"), images.resolve("b.bmp"));
        Path list = tmp.resolve("clips.txt");
        Files.writeString(list, AUDIO + "\n" + Fixtures.path("preprocess/audio/flac_s16_44100_stereo.flac") + "\n");
        Path out = tmp.resolve("s.npy");
        CliTest.Result r = CliTest.run("retrieve", "--model", MODEL.toString(), "--images", images.toString(), "--audio",
                list.toString(), "--out", out.toString(), "--top", "2", "--no-cache");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[] {2, 2}, FeaturesCommandTest.npy(out).shape());
        // the feature cache gives the same scores on a second run
        io.denseav.evaluation.FeatureCache cache = new io.denseav.evaluation.FeatureCache(tmp.resolve("cache"));
        INDArray computed = cache.get(MODEL, IMAGE, "t", () -> org.nd4j.linalg.factory.Nd4j.createFromArray(1f, 2f));
        assertEquals(computed, cache.get(MODEL, IMAGE, "t", () -> { throw new AssertionError("not cached"); }));
        assertTrue(r.out().contains("s16_44100_stereo.wav:  1. "), r.out());
        assertTrue(MisaAggregator.HeadAgg.parse("sum") == MisaAggregator.HeadAgg.SUM);
    }

    @Test
    void videoKeepsFramesAndSound() {
        Path out = tmp.resolve("v.mp4");
        CliTest.Result r = CliTest.run("video", "--model", MODEL.toString(), "--video", VIDEO.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        VideoFrames in = VideoFrames.read(VIDEO);
        VideoFrames back = VideoFrames.read(out);
        assertEquals(in.frames().size(), back.frames().size());
        assertEquals(in.fps(), back.fps(), 1e-6);
        assertTrue(AudioPreprocessor.unpadded().apply(out).length() > 0, "sound muxed in");
    }

    @Test
    void badInputsAreOneLine() throws Exception {
        Path silent = tmp.resolve("silent.wav");
        writeSilentWav(silent);
        Path tiny = tmp.resolve("tiny.png");
        ImageIO.write(new BufferedImage(5, 40, BufferedImage.TYPE_INT_RGB), "png", tiny.toFile()); // narrower than a patch
        String[][] cases = {
                {"heatmap", "--model", MODEL.toString(), "--image", tiny.toString(), "--audio", AUDIO.toString(),
                        "--out", tmp.resolve("w.png").toString()},
                {"heatmap", "--model", Fixtures.path("backbones/vit_tiny/weights.pth").toString(), "--image", IMAGE.toString(),
                        "--audio", AUDIO.toString(), "--out", tmp.resolve("x.png").toString()},
                {"heatmap", "--model", MODEL.toString(), "--image", IMAGE.toString(), "--audio", silent.toString(),
                        "--out", tmp.resolve("y.png").toString()},
                {"heatmap", "--model", MODEL.toString(), "--image", Fixtures.path("preprocess/bad").toString(),
                        "--audio", AUDIO.toString(), "--out", tmp.resolve("z.png").toString()},
                {"video", "--model", MODEL.toString(), "--video", IMAGE.toString(), "--out", tmp.resolve("v.mp4").toString()},
        };
        for (String[] c : cases) {
            CliTest.Result r = CliTest.run(c);
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", c) + "\n" + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    /** One second of digital silence, 16-bit PCM at 16 kHz. */
    static void writeSilentWav(Path f) throws Exception {
        int n = 16000;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        Files.write(f, b.array());
    }
}
