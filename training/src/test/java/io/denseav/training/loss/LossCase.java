package io.denseav.training.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import io.denseav.modelimport.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** One golden case of fixtures/losses/ (test-fixtures/generate_losses.py): inputs, term values, gradients. */
final class LossCase {
    /** The terms, named as the goldens and DenseAvLoss ("loss/" + name). */
    static final String[] TERMS = {"nce", "cal_balance", "nonneg", "silence_l1", "neg_audio", "tv", "disentangle",
            "specialize", "image_mixup"};
    static final String[] WRT = {"audio", "image", "w_log"};
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final Path dir;
    final JsonNode meta;
    final LossDims dims;

    LossCase(String name) {
        this.name = name;
        this.dir = Fixtures.path("losses/" + name);
        try {
            this.meta = JSON.readTree(dir.resolve("case.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode s = meta.get("shape");
        this.dims = new LossDims(s.get("batch").asInt(), s.get("heads").asInt(), s.get("code").asLong(), s.get("h").asInt(),
                s.get("w").asInt(), s.get("t").asInt());
    }

    INDArray npy(String file) {
        try (Checkpoint c = Checkpoint.open(dir.resolve(file + ".npy"))) {
            return c.tensors().values().iterator().next().load();
        }
    }

    boolean has(String file) {
        return Files.exists(dir.resolve(file + ".npy"));
    }

    /** The golden value of a term, or null when the reference does not compute it (K odd, K = 1). */
    Double value(String term) {
        JsonNode v = meta.get("values").get(term);
        return v == null ? null : v.asDouble();
    }

    double weight(String term) {
        return meta.get("weights").get(term).asDouble();
    }

    LossWeights weights() {
        return new LossWeights(weight("nce"), weight("cal_balance"), weight("nonneg"), weight("silence_l1"),
                weight("neg_audio"), weight("tv"), weight("disentangle"), weight("specialize"), weight("image_mixup"),
                meta.get("cal_init").asDouble());
    }

    /** Same shape and max|Δ| ≤ tol·max|ref| (a zero reference must be matched exactly). */
    static void assertClose(INDArray ref, INDArray actual, double tol, String what) {
        assertArrayEquals(ref.shape(), actual.shape(), what + " shape");
        INDArray r = ref.castTo(DataType.DOUBLE);
        double maxRef = Transforms.abs(r).maxNumber().doubleValue();
        double maxDiff = Transforms.abs(r.sub(actual.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
        assertTrue(maxDiff <= tol * maxRef, String.format("%s: max|Δ| = %.3g, max|ref| = %.3g, ratio %.3g > %.0e", what,
                maxDiff, maxRef, maxDiff / Math.max(maxRef, 1e-300), tol));
    }

    static void assertClose(double ref, double actual, double tol, String what) {
        assertTrue(Math.abs(ref - actual) <= tol * Math.abs(ref),
                String.format("%s: %.12g vs reference %.12g (tolerance %.0e relative)", what, actual, ref, tol));
    }
}
