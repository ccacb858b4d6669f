package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import io.denseav.modelimport.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Torch goldens (test-fixtures/denseav_fixtures) and the parity tolerance, max|Δ| ≤ 1e-4·max|ref|. */
final class Goldens {
    static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Goldens() {
    }

    static Path dir(String relative) {
        return Fixtures.path("backbones/" + relative);
    }

    static INDArray npy(Path file) {
        try (Checkpoint c = Checkpoint.open(file)) {
            return c.tensors().values().iterator().next().load();
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts same shape and max|Δ| ≤ 1e-4·max|ref|; returns the relative error for reporting. */
    static double assertClose(INDArray ref, INDArray actual, String what) {
        assertArrayEquals(ref.shape(), actual.shape(), what + " shape");
        INDArray r = ref.castTo(DataType.DOUBLE);
        double maxRef = Transforms.abs(r).maxNumber().doubleValue();
        double maxDiff = Transforms.abs(r.sub(actual.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
        double rel = maxDiff / Math.max(maxRef, 1e-30);
        assertTrue(rel <= TOLERANCE, String.format("%s: max|Δ| = %.3g, max|ref| = %.3g, ratio %.3g > %.0e", what,
                maxDiff, maxRef, rel, TOLERANCE));
        return rel;
    }
}
