package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CLI's choice of ND4J build per command line ({@link Backend}). */
class BackendTest {
    private static String ext(String env, boolean avx512, String... args) {
        return Backend.extension(args, env, avx512);
    }

    @Test
    void theCpuJarBundlesTheOneDnnBuild() {
        org.junit.jupiter.api.Assertions.assertNotNull(Backend.class.getResource(Backend.ONEDNN_LIBRARY), Backend.ONEDNN_LIBRARY);
    }

    @Test
    void inferenceOnAvx512RunsOnOneDnn() {
        assertEquals(Backend.ONEDNN, ext(null, true, "heatmap", "--model", "m"));
        assertEquals(Backend.ONEDNN, ext(null, true, "bench", "inference"));
        assertEquals(Backend.ONEDNN, ext(null, true, "-v", "eval", "segmentation"));
        assertEquals(Backend.ONEDNN, ext(null, true, "demo"));
    }

    @Test
    void trainingWithoutAvx512OrOnRequestRunsOnTheGenericBuild() {
        assertEquals("", ext(null, true, "train", "--preset", "tuxpaint-tiny"));
        assertEquals("", ext(null, true, "-v", "train"));
        assertEquals("", ext(null, true, "bench", "train", "--only", "tiny"));
        assertEquals("", ext(null, false, "heatmap"));
        assertEquals("", ext("generic", true, "heatmap"));
    }
}
