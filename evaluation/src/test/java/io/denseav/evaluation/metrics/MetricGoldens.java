package io.denseav.evaluation.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.fixtures.GoldenIndex;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The metric goldens written by {@code test-fixtures/generate_metrics.py}, described by its index.json. */
final class MetricGoldens {
    /** Every metric must match its golden to this absolute tolerance. */
    static final double TOL = 1e-6;
    private static final GoldenIndex GOLDENS = GoldenIndex.of("metrics");

    private MetricGoldens() {
    }

    static JsonNode index() {
        return GOLDENS.index();
    }

    static Path path(String relative) {
        return GOLDENS.path(relative);
    }

    /** The entries of one index list as parameterised-test arguments (name, entry). */
    static Stream<Arguments> cases(JsonNode list) {
        return GoldenIndex.cases(list, "name", Arguments::of);
    }

    static INDArray npy(JsonNode file) {
        return Nd4j.createFromNpyFile(path(file.asText()).toFile());
    }

    static float[] floats(JsonNode file) {
        return npy(file).castTo(DataType.FLOAT).reshape(-1).toFloatVector();
    }

    /** A uint8 0/1 array as booleans. */
    static boolean[] bools(JsonNode file) {
        int[] v = npy(file).castTo(DataType.INT).reshape(-1).toIntVector();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i] != 0;
        return b;
    }

    static float[][] matrix(JsonNode file) {
        return npy(file).castTo(DataType.FLOAT).toFloatMatrix();
    }

    static double[] doubles(JsonNode list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) d[i] = list.get(i).isNull() ? Double.NaN : list.get(i).asDouble();
        return d;
    }
}
