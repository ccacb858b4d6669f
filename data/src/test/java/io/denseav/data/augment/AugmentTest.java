package io.denseav.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shapes, determinism and the defining properties of each augmentation. */
class AugmentTest {
    static RgbImage pattern(int w, int h, int seed) {
        byte[] b = new byte[w * h * 3];
        new SplittableRandom(seed).nextBytes(b);
        return new RgbImage(w, h, b);
    }

    @Test
    void imageAugmentIsDeterministicAnd224() {
        RgbImage img = pattern(320, 240, 1);
        RgbImage a = ImageAugment.denseav().apply(img, new SplittableRandom(7));
        RgbImage b = ImageAugment.denseav().apply(img, new SplittableRandom(7));
        assertEquals(224, a.width());
        assertEquals(224, a.height());
        assertArrayEquals(a.rgb(), b.rgb());
        RgbImage c = ImageAugment.denseav().apply(img, new SplittableRandom(8));
        assertFalse(java.util.Arrays.equals(a.rgb(), c.rgb()));
    }

    @Test
    void cropScaleBoundsTheCropArea() {
        RgbImage img = pattern(64, 64, 3);
        // scale (1, 1): every sampled crop is the whole area, and on a square picture only ratio 1 fits, so the crop is
        // the picture itself (torchvision's fallback too): the output is the plain resize
        ImageAugment whole = ImageAugment.denseav().withSize(32).withMinScale(1.0);
        for (int seed = 0; seed < 5; seed++) {
            assertArrayEquals(io.denseav.data.PilBilinear.resize(img, 32, 32).rgb(),
                    whole.randomResizedCrop(img, new SplittableRandom(seed)).rgb());
        }
        ImageAugment reference = ImageAugment.denseav().withSize(32);
        boolean differs = false;
        for (int seed = 0; seed < 5; seed++) {
            differs |= !java.util.Arrays.equals(io.denseav.data.PilBilinear.resize(img, 32, 32).rgb(),
                    reference.randomResizedCrop(img, new SplittableRandom(seed)).rgb());
        }
        assertTrue(differs, "the reference's scale (0.08, 1) crops");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ImageAugment.denseav().withMinScale(0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ImageAugment.denseav().withMinScale(1.5));
    }

    @Test
    void colourAugmentationOffKeepsEveryColour() {
        byte[] b = new byte[48 * 48 * 3];
        for (int i = 0; i < b.length; i += 3) b[i] = (byte) 200; // a flat red picture: crops, resizes and flips keep it
        RgbImage red = new RgbImage(48, 48, b.clone());
        ImageAugment plain = ImageAugment.denseav().withSize(32).withColor(0, 0);
        boolean changed = false;
        for (int seed = 0; seed < 20; seed++) {
            assertArrayEquals(flatRed(32), plain.apply(red, new SplittableRandom(seed)).rgb(), "seed " + seed);
            changed |= !java.util.Arrays.equals(flatRed(32),
                    ImageAugment.denseav().withSize(32).apply(red, new SplittableRandom(seed)).rgb());
        }
        assertTrue(changed, "the reference's jitter and grayscale change colours");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ImageAugment.denseav().withColor(-0.1, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ImageAugment.denseav().withColor(0, 2));
    }

    private static byte[] flatRed(int side) {
        byte[] b = new byte[side * side * 3];
        for (int i = 0; i < b.length; i += 3) b[i] = (byte) 200;
        return b;
    }

    @Test
    void flipTwiceIsIdentityAndGrayHasEqualChannels() {
        RgbImage img = pattern(9, 5, 2);
        assertArrayEquals(img.rgb(), ImageAugment.flip(ImageAugment.flip(img)).rgb());
        RgbImage g = ImageAugment.gray(img);
        for (int i = 0; i < g.rgb().length; i += 3) {
            assertEquals(g.rgb()[i], g.rgb()[i + 1]);
            assertEquals(g.rgb()[i], g.rgb()[i + 2]);
        }
        assertArrayEquals(img.rgb(), ImageAugment.blend(img, null, 1.0).rgb(), "factor 1 is the identity");
    }

    @Test
    void quadMixupMarksOneQuadrant() {
        RgbImage pos = pattern(224, 224, 3);
        QuadMixup q = QuadMixup.of(pos, new RgbImage[] {pattern(224, 224, 4), pattern(224, 224, 5), pattern(224, 224, 6)},
                new SplittableRandom(1));
        double sum = 0;
        for (float m : q.mask()) sum += m;
        assertEquals(112 * 112, sum, 0.0);
        assertEquals(224, q.image().width());
    }

    @Test
    void spliceHasRaisedCosineEdgesAndAPositiveMask() {
        float[] a = new float[10 * 16000];
        float[] b = new float[10 * 16000];
        java.util.Arrays.fill(b, 1f);
        AudioAugment.Spliced s = AudioAugment.spliceNegative(a, b, new SplittableRandom(3));
        int spliced = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(1f - s.positive()[i], s.audio()[i], 1e-6f, "out = w·other where positive = 1 − w");
            if (s.positive()[i] < 1f) spliced++;
        }
        assertTrue(spliced >= 16000 && spliced <= 4 * 16000, "1–4 s spliced: " + spliced);
    }

    @Test
    void randomWindowKeepsOneWindowAndTheFilterDropsNearlyEmptyClips() {
        SplittableRandom rnd = new SplittableRandom(11);
        boolean masked = false;
        for (int t = 0; t < 10 && !masked; t++) {
            float[] audio = new float[5 * 16000];
            float[] mask = new float[audio.length];
            java.util.Arrays.fill(audio, 1f);
            java.util.Arrays.fill(mask, 1f);
            masked = AudioAugment.randomWindow(audio, mask, rnd);
            if (masked) {
                int kept = 0;
                for (int i = 0; i < mask.length; i++) {
                    kept += mask[i] > 0 ? 1 : 0;
                    assertEquals(mask[i], audio[i], "audio zeroed with its mask");
                }
                assertTrue(kept >= 8000, "at least 0.5 s kept");
            }
        }
        assertTrue(masked, "p = 0.5: masked at least once in 10 draws");
        float[] tiny = new float[1000];
        tiny[0] = 1f;
        assertFalse(AudioAugment.keep(tiny));
    }
}
