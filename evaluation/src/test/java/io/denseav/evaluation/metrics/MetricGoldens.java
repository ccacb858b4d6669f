package io.denseav.evaluation.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The metric goldens written by {@code test-fixtures/generate_metrics.py}, described by its index.json. */
final class MetricGoldens {
    /** Every metric must match its golden to this absolute tolerance. */
    static final double TOL = 1e-6;
    /** The goldens in the source tree, for a build whose installed test-fixtures jar predates them. */
    private static final Path SOURCE_TREE = Path.of("..", "test-fixtures", "src", "main", "resources", "fixtures");
    private static JsonNode index;

    private MetricGoldens() {
    }

    static synchronized JsonNode index() {
        if (index == null) {
            try {
                index = new ObjectMapper().readTree(path("index.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return index;
    }

    static Path path(String relative) {
        Path p = Fixtures.path("metrics/" + relative);
        return Files.exists(p) ? p : SOURCE_TREE.resolve("metrics").resolve(relative);
    }

    /** The entries of one index list as parameterised-test arguments (name, entry). */
    static Stream<Arguments> cases(JsonNode list) {
        List<Arguments> out = new ArrayList<>();
        list.forEach(e -> out.add(Arguments.of(e.get("name").asText(), e)));
        return out.stream();
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
