package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.ImagePreprocessor;
import io.denseav.fixtures.Fixtures;
import io.denseav.graphs.Backbones;
import io.denseav.graphs.Hubert;
import io.denseav.graphs.Params;
import io.denseav.graphs.VisionTransformer;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.KeyMap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code denseav features}: the command writes what the library computes (the library itself is proven against
 * torch in samediff-graphs), picks the layout and configuration from the weights, and fails cleanly.
 */
class FeaturesCommandTest {
    private static final Path VIT = Fixtures.path("backbones/vit_tiny/weights.pth");
    private static final Path HUBERT = Fixtures.path("checkpoints/tiny_hubert_base_hf/model.safetensors");
    private static final Path IMAGE = Fixtures.path("preprocess/images/bgr_40x32.bmp"); // 40x32: multiples of 8
    private static final Path AUDIO = Fixtures.path("preprocess/audio/s16_44100_stereo.wav");

    @TempDir
    Path tmp;

    static INDArray npy(Path p) {
        try (Checkpoint c = Checkpoint.open(p)) {
            return c.tensors().values().iterator().next().load();
        }
    }

    @Test
    void imageFeaturesWithoutResizingForPatchMultiples() {
        Path out = tmp.resolve("f.npy");
        Path cls = tmp.resolve("c.npy");
        CliTest.Result r = CliTest.run("features", "image", "--weights", VIT.toString(), "--image", IMAGE.toString(),
                "--out", out.toString(), "--cls-out", cls.toString(), "--heads", "2");
        assertEquals(0, r.code(), r.err());
        INDArray x = ImagePreprocessor.demo(8).keepingDivisibleSizes().apply(IMAGE);
        assertArrayEquals(new long[] {1, 3, 32, 40}, x.shape(), "no resize: both sides are multiples of the patch");
        try (Checkpoint c = Checkpoint.open(VIT)) {
            KeyMap.Mapped m = KeyMap.DINO.apply(c);
            var y = VisionTransformer.build(Backbones.vitConfig(m, 2), Params.from(m), 1, 32, 40).forward(x);
            assertEquals(y.get(VisionTransformer.PATCH_TOKENS), npy(out));
            assertEquals(y.get(VisionTransformer.CLS), npy(cls));
        }
        assertArrayEquals(new long[] {1, 32, 4, 5}, npy(out).shape());
    }

    @Test
    void audioFeaturesFromHfWeightsWithConfigJson() {
        Path out = tmp.resolve("a.npy");
        CliTest.Result r = CliTest.run("features", "audio", "--weights", HUBERT.toString(), "--audio", AUDIO.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        INDArray wave = AudioPreprocessor.unpadded().apply(AUDIO).audio();
        try (Checkpoint c = Checkpoint.open(HUBERT)) {
            KeyMap.Mapped m = Backbones.hubertKeys(c);
            INDArray y = Hubert.build(Backbones.hubertConfig(m), Params.from(m), 1, (int) wave.size(1)).forward(wave);
            assertEquals(y, npy(out));
        }
    }

    @Test
    void widthOutsideDinosTableAsksForHeads() {
        CliTest.Result r = CliTest.run("features", "image", "--weights", VIT.toString(), "--image", IMAGE.toString(),
                "--out", tmp.resolve("f.npy").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("denseav: error: " + VIT + ": no DINO configuration has width 32"), r.err());
    }

    @Test
    void badAudioIsOneLine() {
        Path bad = Fixtures.path("preprocess/bad");
        CliTest.Result r = CliTest.run("features", "audio", "--weights", HUBERT.toString(), "--audio",
                tmp.resolve("missing.wav").toString(), "--out", tmp.resolve("a.npy").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(bad.toFile().isDirectory());
    }

    @Test
    void wrongWeightsAreNamed() {
        CliTest.Result r = CliTest.run("features", "audio", "--weights", VIT.toString(), "--audio", AUDIO.toString(),
                "--out", tmp.resolve("a.npy").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("does not hold a HF HuBERT"), r.err());
    }
}
