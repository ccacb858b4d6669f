package io.denseav.data.augment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.ImageFiles;
import io.denseav.data.PilBilinear;
import io.denseav.data.RgbImage;
import io.denseav.fixtures.Fixtures;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The deterministic operations behind the training augmentation against torchvision 0.14's functional ops on PIL
 * images (test-fixtures/generate_augment.py): per-pixel max |Δ| within PIL's own rounding.
 */
class AugmentGoldenTest {
    static RgbImage read(String name) {
        return ImageFiles.read(Fixtures.path("augment/" + name + ".png"));
    }

    static UnaryOperator<RgbImage> op(String name) {
        switch (name) {
            case "brightness_0.8": return x -> ImageAugment.blend(x, null, 0.8);
            case "brightness_1.2": return x -> ImageAugment.blend(x, null, 1.2);
            case "contrast_0.8": return x -> ImageAugment.contrast(x, 0.8);
            case "contrast_1.2": return x -> ImageAugment.contrast(x, 1.2);
            case "saturation_0.8": return x -> ImageAugment.blend(x, ImageAugment.gray(x), 0.8);
            case "saturation_1.2": return x -> ImageAugment.blend(x, ImageAugment.gray(x), 1.2);
            case "hue_-0.2": return x -> ColorOps.shiftHue(x, -0.2);
            case "hue_0.15": return x -> ColorOps.shiftHue(x, 0.15);
            case "grayscale": return ImageAugment::gray;
            case "hflip": return ImageAugment::flip;
            default: return x -> PilBilinear.resize(x.crop(5, 7, 30, 40), 224, 224);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"brightness_0.8, 0", "brightness_1.2, 0", "contrast_0.8, 0", "contrast_1.2, 0", "saturation_0.8, 0",
            "saturation_1.2, 0", "hue_-0.2, 0", "hue_0.15, 0", "grayscale, 0", "hflip, 0", "resized_crop_5_7_30_40, 0"})
    void matchesTorchvision(String name, int tolerance) {
        RgbImage expected = read(name);
        RgbImage actual = op(name).apply(read("input"));
        int max = 0;
        for (int i = 0; i < expected.rgb().length; i++) {
            max = Math.max(max, Math.abs((expected.rgb()[i] & 0xFF) - (actual.rgb()[i] & 0xFF)));
        }
        assertTrue(max <= tolerance, name + ": max |Δ| = " + max + " > " + tolerance);
    }
}
