package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The tables against matplotlib 3.6 itself (spot values typed in, and the whole tables dumped by generate_viz.py). */
class ColormapTest {
    @Test
    void infernoSpotValuesAreMatplotlibs() {
        assertArrayEquals(new double[] {0.001462, 0.000466, 0.013866}, Colormap.inferno(0));
        assertArrayEquals(new double[] {0.3415, 0.062325, 0.429425}, Colormap.inferno(64));
        assertArrayEquals(new double[] {0.735683, 0.215906, 0.330245}, Colormap.inferno(128));
        assertArrayEquals(new double[] {0.978422, 0.557937, 0.034931}, Colormap.inferno(192));
        assertArrayEquals(new double[] {0.988362, 0.998364, 0.644924}, Colormap.inferno(255));
    }

    @Test
    void tablesEqualMatplotlibsExactly() {
        INDArray inferno = VizGoldens.npy(VizGoldens.index().get("inferno").asText());
        for (int i = 0; i < Colormap.N; i++) {
            for (int c = 0; c < 3; c++) assertEquals(inferno.getDouble(i, c), Colormap.inferno(i)[c], "entry " + i);
        }
        assertLut(Colormap.infernoWithAlpha(), "inferno_alpha_lut");
        assertLut(Colormap.red(), "red_lut");
        assertLut(Colormap.blue(), "blue_lut");
    }

    private static void assertLut(Colormap cmap, String key) {
        INDArray lut = VizGoldens.npy(VizGoldens.index().get(key).asText());
        for (int i = 0; i < Colormap.N; i++) {
            for (int c = 0; c < 3; c++) assertEquals(lut.getDouble(i, c), cmap.channel(i, c), cmap + " entry " + i);
            assertEquals(lut.getDouble(i, 3), cmap.alpha(i), cmap + " alpha " + i); // exact, as numpy's linspace
        }
    }

    @Test
    void floatLookupIsMatplotlibs() {
        assertEquals(0, Colormap.index(0f));
        assertEquals(0, Colormap.index(-0.5f)); // under: entry 0
        assertEquals(0, Colormap.index(Float.NaN)); // bad: transparent like entry 0
        assertEquals(0, Colormap.index(Math.nextDown(1f / 256)));
        assertEquals(1, Colormap.index(1f / 256));
        assertEquals(128, Colormap.index(0.5f));
        assertEquals(254, Colormap.index(Math.nextDown(255f / 256)));
        assertEquals(255, Colormap.index(255f / 256));
        assertEquals(255, Colormap.index(1f)); // xa == N -> N - 1
        assertEquals(255, Colormap.index(3f)); // over: last entry
    }

    @Test
    void bytesAreTruncatedLikeMatplotlibBytesTrue() {
        assertEquals(252 << 16 | 254 << 8 | 164, Colormap.infernoWithAlpha().rgb8(255)); // int(255 * 0.988362)...
        assertEquals(0xFF0000, Colormap.red().rgb8(17));
        assertEquals(0x0000FF, Colormap.blue().rgb8(200));
        assertEquals(0.0, Colormap.red().alpha(0));
        assertEquals(1.0, Colormap.blue().alpha(255));
    }
}
