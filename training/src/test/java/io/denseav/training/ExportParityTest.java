package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.DenseAv;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Opt-in: a model exported by the trainer gives, in the PyTorch reference, the features it gives here
 * ({@code test-fixtures/check_export.py MODEL_DIR OUT_DIR}, then
 * {@code -Ddenseav.export.model=MODEL_DIR -Ddenseav.export.goldens=OUT_DIR}).
 */
class ExportParityTest {
    @Test
    void exportedModelMatchesTheTorchReference() throws Exception {
        String model = System.getProperty("denseav.export.model");
        String goldens = System.getProperty("denseav.export.goldens");
        Assumptions.assumeTrue(model != null && goldens != null,
                "opt-in: -Ddenseav.export.model=DIR -Ddenseav.export.goldens=DIR (see test-fixtures/check_export.py)");
        Path g = Path.of(goldens);
        try (DenseAv m = DenseAv.load(Path.of(model))) {
            check(npy(g.resolve("image_feats.npy")),
                    m.imageFeatures(npy(g.resolve("image.npy"))), "image features");
            check(npy(g.resolve("audio_feats.npy")),
                    m.audioFeatures(npy(g.resolve("audio.npy"))), "audio features");
        }
    }

    /**
     * Our own .npy reader: ND4J M2.1's {@code createFromNpyFile} gave {@code [1, 32, 1, 16]} arrays whose element-wise
     * ops read the wrong elements (size-1 dimension strides), which showed here as a false 1.4 relative error.
     */
    private static INDArray npy(Path file) {
        try (io.denseav.modelimport.Checkpoint c = io.denseav.modelimport.Checkpoint.open(file)) {
            return c.tensors().values().iterator().next().load();
        }
    }

    private static void check(INDArray ref, INDArray got, String what) {
        double scale = ref.amaxNumber().doubleValue();
        double worst = ref.sub(got.reshape(ref.shape())).amaxNumber().doubleValue();
        System.out.printf("%s: max|d|/max|ref| = %.2e%n", what, worst / scale);
        assertTrue(worst <= 1e-4 * scale, what + ": max|d| " + worst + " > 1e-4 * " + scale);
    }
}
