package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.data.DataException;
import io.denseav.data.ImageFiles;
import io.denseav.data.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Overlays against DenseAV's plotting.py (its rendering steps run by generate_viz.py) and their defining properties. */
class HeatmapOverlayTest {
    @TempDir
    Path tmp;

    /** The frames plot_attention_video / plot_2head_attention_video would encode, rebuilt per frame in Java. */
    @Test
    void attentionVideoFramesMatchTheReference() {
        JsonNode o = VizGoldens.index().get("overlay");
        int n = o.get("frames").asInt(), h = o.get("height").asInt(), w = o.get("width").asInt();
        INDArray sims = VizGoldens.npy(o.get("sim_by_head").asText()); // [nF, K, h, w, T]
        int t = (int) sims.size(4);
        List<RgbImage> frames = new ArrayList<>();
        List<float[][]> all = new ArrayList<>(), kept0 = new ArrayList<>(), kept1 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(ImageFiles.read(VizGoldens.path(o.get("frame_png").get(i).asText())));
            int step = (int) ((double) i / n * t); // int((frame_num / n_frames) * n_audio_feats)
            INDArray head0 = sims.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.point(step));
            INDArray head1 = sims.get(NDArrayIndex.point(i), NDArrayIndex.point(1), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.point(step));
            INDArray maxHeads = Transforms.max(head0, head1, true);
            all.add(Interpolate.resize(maxHeads, h, w, Interpolate.Mode.BICUBIC));
            float[][][] k = HeatmapOverlay.keepLarger(Interpolate.resize(head0, h, w, Interpolate.Mode.BICUBIC),
                    Interpolate.resize(head1, h, w, Interpolate.Mode.BICUBIC));
            kept0.add(k[0]);
            kept1.add(k[1]);
        }
        HeatmapOverlay.Range range = HeatmapOverlay.Range.of(all.toArray(float[][][]::new));
        HeatmapOverlay.Range r0 = HeatmapOverlay.Range.of(kept0.toArray(float[][][]::new));
        HeatmapOverlay.Range r1 = HeatmapOverlay.Range.of(kept1.toArray(float[][][]::new));
        for (int i = 0; i < n; i++) {
            RgbImage want = ImageFiles.read(VizGoldens.path(o.get("attention_png").get(i).asText()));
            assertSame("attention frame " + i, want, HeatmapOverlay.overlay(frames.get(i), all.get(i), range));
            RgbImage want2 = ImageFiles.read(VizGoldens.path(o.get("two_head_png").get(i).asText()));
            assertSame("two-head frame " + i, want2,
                    HeatmapOverlay.twoHead(frames.get(i), kept0.get(i), kept1.get(i), r0, r1));
        }
    }

    /** Bytes equal, except where float rounding in torch's resize moves a value across a colormap bin. */
    private static void assertSame(String what, RgbImage want, BufferedImage got) {
        RgbImage g = VideoFrames.toRgb(got);
        assertEquals(want.width(), g.width());
        assertEquals(want.height(), g.height());
        int differ = 0, max = 0;
        for (int i = 0; i < want.rgb().length; i++) {
            int d = Math.abs((want.rgb()[i] & 0xFF) - (g.rgb()[i] & 0xFF));
            if (d > 0) differ++;
            max = Math.max(max, d);
        }
        System.out.printf("%s: %d of %d bytes differ, max %d levels%n", what, differ, want.rgb().length, max);
        assertTrue(max <= 2 && differ <= want.rgb().length / 100, what + ": " + differ + " bytes differ, max " + max);
    }

    @Test
    void zeroOrNegativeHeatLeavesThePictureUnchanged() {
        RgbImage pic = picture(40, 30, 1);
        for (float[][] heat : new float[][][] {new float[5][4], {{-1, -2}, {-0.5f, -3}}}) {
            for (Interpolate.Mode mode : Interpolate.Mode.values()) {
                RgbImage out = VideoFrames.toRgb(HeatmapOverlay.overlay(pic, heat, mode));
                assertArrayEquals(pic.rgb(), out.rgb());
            }
        }
    }

    @Test
    void hottestPixelIsInfernosTopColourAndColdestIsTransparent() {
        RgbImage pic = picture(16, 12, 2);
        float[][] heat = new float[12][16];
        for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++) heat[y][x] = 0.1f * (x + y) - 0.4f;
        heat[7][9] = 10f;
        BufferedImage out = HeatmapOverlay.overlay(pic, heat, HeatmapOverlay.Range.of(heat));
        assertEquals(Colormap.infernoWithAlpha().rgb8(255), out.getRGB(9, 7) & 0xFFFFFF);
        int p = (0 * pic.width() + 0) * 3; // heat -0.4 → clamped to 0, the minimum: alpha 0
        int want = (pic.rgb()[p] & 0xFF) << 16 | (pic.rgb()[p + 1] & 0xFF) << 8 | (pic.rgb()[p + 2] & 0xFF);
        assertEquals(want, out.getRGB(0, 0) & 0xFFFFFF);
        // a given (video-wide) range: half of it is half-way up the table, over black: colour x alpha
        BufferedImage black = HeatmapOverlay.overlay(new RgbImage(16, 12, new byte[16 * 12 * 3]), constant(12, 16, 5f),
                new HeatmapOverlay.Range(0, 10));
        int c = black.getRGB(3, 3);
        double a = Colormap.infernoWithAlpha().alpha(128);
        for (int ch = 0; ch < 3; ch++) {
            int want8 = (int) ((Colormap.infernoWithAlpha().channel(128, ch) * a + 0.0) / (a + (1 - a)) * 255);
            assertEquals(want8, c >> (16 - 8 * ch) & 0xFF, "channel " + ch);
        }
    }

    @Test
    void twoHeadKeepsTheLargerHeadRedForLanguageBlueForSound() {
        RgbImage black = new RgbImage(8, 4, new byte[8 * 4 * 3]);
        float[][] h0 = new float[4][8], h1 = new float[4][8];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                h0[y][x] = x < 4 ? 1 + x : 0.5f; // head 0 wins on the left
                h1[y][x] = x < 4 ? 0.5f : 1 + x; // head 1 on the right
            }
        }
        h0[2][1] = h1[2][1] = 3; // a tie goes to head 1
        BufferedImage out = HeatmapOverlay.twoHead(black, h0, h1, Interpolate.Mode.BILINEAR);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                int rgb = out.getRGB(x, y), r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
                assertEquals(0, g);
                boolean red = x < 4 && !(x == 1 && y == 2);
                assertEquals(0, red ? b : r, "pixel " + x + "," + y + " " + Integer.toHexString(rgb));
                if (x > 0 && x != 4) assertTrue((red ? r : b) > 0, "pixel " + x + "," + y);
            }
        }
        assertEquals(0xFF0000, out.getRGB(3, 0) & 0xFFFFFF); // head 0's maximum: opaque red
        assertEquals(0x0000FF, out.getRGB(7, 0) & 0xFFFFFF); // head 1's maximum: opaque blue
        float[][][] k = HeatmapOverlay.keepLarger(h0, h1);
        assertEquals(0f, k[0][2][1]);
        assertEquals(3f, k[1][2][1]);
        // INDArray overload agrees
        BufferedImage viaNd = HeatmapOverlay.twoHead(black, Nd4j.create(h0), Nd4j.create(h1), Interpolate.Mode.BILINEAR);
        assertArrayEquals(VideoFrames.toRgb(out).rgb(), VideoFrames.toRgb(viaNd).rgb());
    }

    @Test
    void pngIsWrittenAtomicallyAndReadsBack() throws Exception {
        RgbImage pic = picture(24, 18, 3);
        BufferedImage img = HeatmapOverlay.overlay(pic, Nd4j.rand(3, 4), Interpolate.Mode.BICUBIC);
        Path out = tmp.resolve("sub/heat.png");
        HeatmapOverlay.writePng(img, out);
        HeatmapOverlay.writePng(img, out); // replaces
        assertArrayEquals(VideoFrames.toRgb(img).rgb(), ImageFiles.read(out).rgb());
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(out), s.toList(), "no temporary files left");
        }
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> HeatmapOverlay.writePng(img, tmp)), tmp,
                "is a directory");
        Path blocked = tmp.resolve("file.txt/heat.png");
        Files.writeString(tmp.resolve("file.txt"), "x");
        VizGoldens.assertOneLine(assertThrows(DataException.class, () -> HeatmapOverlay.writePng(img, blocked)),
                blocked, "cannot write PNG");
    }

    @Test
    void badMaps() {
        RgbImage pic = picture(4, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> HeatmapOverlay.overlay(pic, new float[3][4],
                HeatmapOverlay.Range.of(new float[3][4])));
        assertThrows(IllegalArgumentException.class, () -> HeatmapOverlay.overlay(pic, new float[][] {{Float.NaN}}));
        assertThrows(IllegalArgumentException.class, () -> new HeatmapOverlay.Range(2, 1));
    }

    static RgbImage picture(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static float[][] constant(int h, int w, float v) {
        float[][] m = new float[h][w];
        for (float[] row : m) java.util.Arrays.fill(row, v);
        return m;
    }
}
