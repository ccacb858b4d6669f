package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Resizing against torch 1.13's {@code F.interpolate(..., align_corners=False)} on the CPU. */
class InterpolateTest {
    /** Weights are bit-exact; float32 sums in another order (and fused) leave a few ulp on O(1) values. */
    static final double TOLERANCE = 1e-6;

    static Stream<Arguments> cases() {
        return VizGoldens.cases("interpolate", "name");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(String name, JsonNode e) {
        float[][] in = VizGoldens.npy(e.get("input").asText()).toFloatMatrix();
        int h = e.get("out_h").asInt(), w = e.get("out_w").asInt();
        for (Interpolate.Mode mode : Interpolate.Mode.values()) {
            String key = mode.name().toLowerCase(java.util.Locale.ROOT);
            float[][] want = VizGoldens.npy(e.get(key).asText()).reshape(h, w).toFloatMatrix();
            float[][] got = Interpolate.resize(in, h, w, mode);
            double d = VizGoldens.maxAbsDiff(want, got);
            System.out.printf("%s %s: max |diff| vs torch %.3g%n", name, key, d);
            assertTrue(d <= TOLERANCE, name + " " + key + ": max |diff| " + d);
        }
    }

    @Test
    void indArrayInputWithLeadingUnitDimensions() {
        float[][] m = {{1, 2, 3}, {4, 5, 6}};
        INDArray a = Nd4j.create(m).reshape(1, 1, 2, 3);
        for (Interpolate.Mode mode : Interpolate.Mode.values()) {
            float[][] want = Interpolate.resize(m, 5, 7, mode);
            float[][] got = Interpolate.resize(a, 5, 7, mode);
            for (int y = 0; y < 5; y++) assertArrayEquals(want[y], got[y]);
        }
        assertThrows(IllegalArgumentException.class, () -> Interpolate.resize(Nd4j.zeros(2, 2, 3), 4, 4,
                Interpolate.Mode.BILINEAR));
    }

    @Test
    void badSizes() {
        assertThrows(IllegalArgumentException.class, () -> Interpolate.resize(new float[0][0], 2, 2,
                Interpolate.Mode.BICUBIC));
        assertThrows(IllegalArgumentException.class, () -> Interpolate.resize(new float[][] {{1, 2}, {3}}, 2, 2,
                Interpolate.Mode.BILINEAR));
        assertThrows(IllegalArgumentException.class, () -> Interpolate.resize(new float[][] {{1}}, 0, 2,
                Interpolate.Mode.BILINEAR));
    }
}
