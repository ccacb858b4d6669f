package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DenseAV's {@code blur_dim(x, window=3, dim=-1)} as torch 1.13 computes it. */
class TemporalBlurTest {
    static Stream<Arguments> cases() {
        return VizGoldens.cases("blur", "name");
    }

    @Test
    void kernelIsTheReferencesFloat32Kernel() {
        JsonNode k = VizGoldens.index().get("blur").get(0).get("kernel");
        float[] want = {(float) k.get(0).asDouble(), (float) k.get(1).asDouble(), (float) k.get(2).asDouble()};
        assertArrayEquals(want, TemporalBlur.kernel());
        assertEquals(0.10650698f, TemporalBlur.kernel()[0], 1e-8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(String name, JsonNode e) {
        INDArray in = VizGoldens.npy(e.get("input").asText());
        INDArray want = VizGoldens.npy(e.get("output").asText());
        INDArray got = TemporalBlur.blurLastAxis(in);
        assertArrayEquals(want.shape(), got.shape());
        double d = want.castTo(DataType.DOUBLE).sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        System.out.printf("blur %s: max |diff| vs torch %.3g%n", name, d);
        assertTrue(d <= 1e-6, "max |diff| " + d);
    }

    @Test
    void timeFirstMapsEqualTheLastAxisForm() {
        INDArray in = VizGoldens.npy("blur_sims_2x2x3x4x9_in.npy"); // [2, 2, 3, 4, T=9]
        INDArray series = in.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup(); // [3, 4, 9]
        float[][][] maps = new float[9][3][4];
        for (int t = 0; t < 9; t++) {
            for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) maps[t][y][x] = series.getFloat(y, x, t);
        }
        float[][][] got = TemporalBlur.blurTime(maps);
        INDArray want = TemporalBlur.blurLastAxis(series);
        for (int t = 0; t < 9; t++) {
            for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) assertEquals(want.getFloat(y, x, t), got[t][y][x]);
        }
    }

    @Test
    void singleStepAndConstantsAreUnchanged() {
        assertEquals(3.5f, TemporalBlur.blur(new float[] {3.5f})[0], 1e-6); // k0 + k1 + k2 = 1 up to rounding
        float[] c = TemporalBlur.blur(new float[] {2f, 2f, 2f, 2f});
        for (float v : c) assertEquals(2f, v, 1e-6);
        assertEquals(0, TemporalBlur.blurLastAxis(Nd4j.create(DataType.FLOAT, 2, 0)).length());
    }
}
