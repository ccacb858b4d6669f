package io.denseav.evaluation.protocols;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.evaluation.FeatureCache;
import io.denseav.fixtures.Fixtures;
import io.denseav.fixtures.GoldenIndex;
import io.denseav.graphs.DenseAv;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The protocol goldens written by {@code test-fixtures/generate_eval.py} (index.json) and the tiny 2-head model. */
final class EvalGoldens {
    /** The goldens in the source tree, for a build whose installed test-fixtures jar predates them. */
    private static final Path SOURCE_TREE = Path.of("..", "test-fixtures", "src", "main", "resources", "fixtures");
    private static final GoldenIndex GOLDENS = GoldenIndex.of("eval");

    private EvalGoldens() {
    }

    /**
     * A fixture file, from the source tree when the tests run inside the repository (stable paths and times, so the
     * feature cache below is shared by the test classes), else from the test-fixtures jar.
     */
    static Path path(String relative) {
        Path p = SOURCE_TREE.resolve(relative);
        return Files.exists(p) ? p.toAbsolutePath().normalize() : Fixtures.path(relative);
    }

    /** A feature cache shared by this module's test classes (each runs in its own JVM). */
    static Path sharedCache() {
        return Path.of("target", "eval-test-feature-cache").toAbsolutePath();
    }

    /** The tiny ADE20K-prompted / TuxPaint-AV-layout folder. */
    static Path data() {
        return path("eval/prompted");
    }

    static Path model() {
        return path("denseav/tiny_2head/model.ckpt");
    }

    static JsonNode index() {
        return GOLDENS.index();
    }

    static JsonNode goldens() {
        return index().get("goldens");
    }

    static INDArray npy(String name) {
        return Nd4j.createFromNpyFile(path("eval/" + name).toFile());
    }

    /** Features of the tiny model, cached under {@code cacheDir} (null: no cache). */
    static Features features(DenseAv model, Path cacheDir) {
        Features f = Features.of(model, model());
        return cacheDir == null ? f : f.cached(new FeatureCache(cacheDir));
    }
}
