package io.denseav.evaluation;

import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.CheckpointException;
import io.denseav.modelimport.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Backbone features cached on disk per (model, input file, kind), so that a second run over the same files skips
 * the backbones. The key covers both files' absolute paths, sizes and modification times, so an edited file is
 * recomputed. Entries are .npy files written atomically; an unreadable entry is recomputed.
 */
public final class FeatureCache {
    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $DENSEAV_CACHE}, else {@code ~/.cache/denseav}, under {@code features/}. */
    public static FeatureCache standard() {
        String env = System.getenv("DENSEAV_CACHE");
        Path root = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "denseav");
        return new FeatureCache(root.resolve("features"));
    }

    /** The cached array for (model, input, kind), or {@code compute}'s result, which is then stored. */
    public INDArray get(Path model, Path input, String kind, Supplier<INDArray> compute) {
        Path entry = dir.resolve(key(model, input, kind) + ".npy");
        if (Files.isRegularFile(entry)) {
            try (Checkpoint c = Checkpoint.open(entry)) {
                return c.tensors().values().iterator().next().load();
            } catch (CheckpointException e) {
                // a damaged entry is recomputed below
            }
        }
        INDArray value = compute.get();
        try {
            Files.createDirectories(dir);
            Npy.write(entry, value);
        } catch (IOException | RuntimeException e) {
            // caching is an optimisation: a read-only or full disk must not fail the command
        }
        return value;
    }

    static String key(Path model, Path input, String kind) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : new Path[] {model, input}) {
                Path abs = p.toAbsolutePath().normalize();
                sha.update((abs + "|" + Files.size(abs) + "|" + Files.getLastModifiedTime(abs).toMillis() + "|")
                        .getBytes(StandardCharsets.UTF_8));
            }
            sha.update(kind.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (IOException e) {
            return "uncached-" + System.nanoTime(); // the input will fail with its own clear error when read
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
