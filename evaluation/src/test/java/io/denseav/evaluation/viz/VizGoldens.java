package io.denseav.evaluation.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.data.DataException;
import io.denseav.fixtures.GoldenIndex;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The visualisation goldens written by {@code test-fixtures/generate_viz.py}, described by its index.json. */
final class VizGoldens {
    private static final GoldenIndex GOLDENS = GoldenIndex.of("viz");

    private VizGoldens() {
    }

    static JsonNode index() {
        return GOLDENS.index();
    }

    static Path path(String relative) {
        return GOLDENS.path(relative);
    }

    static INDArray npy(String relative) {
        return Nd4j.createFromNpyFile(path(relative).toFile());
    }

    /** The entries of one index list as parameterised-test arguments (label, entry). */
    static Stream<Arguments> cases(String key, String labelField) {
        return GOLDENS.cases(key, labelField, Arguments::of);
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        assertEquals(a.length, b.length, "rows");
        double m = 0;
        for (int y = 0; y < a.length; y++) {
            assertEquals(a[y].length, b[y].length, "columns");
            for (int x = 0; x < a[y].length; x++) m = Math.max(m, Math.abs((double) a[y][x] - b[y][x]));
        }
        return m;
    }

    static void assertOneLine(DataException e, Path file, String problem) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": "), msg);
        assertTrue(msg.toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
        assertEquals(file.toString(), e.file());
    }
}
