package io.denseav.training;

import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.SafeTensors;
import io.denseav.modelimport.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training checkpoints: {@code DIR/step-NNNNNNN/} holds the model as an HF folder ({@link ModelFiles}), the
 * optimiser state ({@code optimizer.safetensors}) and {@code trainer.json} (step, configuration, loss history).
 * Not {@code sd.save}, which fails above about 1 GiB in M2.1 (dl4j-samediff.md). A checkpoint is written into a
 * temporary folder and renamed when complete, so a run killed at any moment leaves only whole checkpoints; the RNG
 * state is the step itself (every random draw is seeded by (seed, step)), so resuming continues exactly.
 */
public final class Checkpoints {
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String TRAINER = "trainer.json";
    private static final String PREFIX = "step-";

    /** What a checkpoint holds besides the weights. */
    public record TrainerState(long step, TrainConfig config, List<Map<String, Double>> history) {
    }

    private Checkpoints() {
    }

    /** Writes a complete checkpoint of {@code step} under {@code dir}; returns its folder. */
    public static Path save(Path dir, long step, DenseAv model, Adam adam, TrainerState state) {
        Path done = dir.resolve(String.format("%s%07d", PREFIX, step));
        Path tmp = dir.resolve(done.getFileName() + ".partial");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            ModelFiles.write(tmp, model);
            SafeTensors.writeArrays(tmp.resolve(OPTIMIZER), adam.state(), Map.of());
            ModelFiles.JSON.writeValue(tmp.resolve(TRAINER).toFile(), state);
            deleteTree(done);
            Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + done + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint folder under {@code dir}, or null. */
    public static Path latest(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+") && Files.isRegularFile(p.resolve(TRAINER)))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the trainer state of a checkpoint folder. */
    public static TrainerState state(Path ckpt) {
        try {
            return ModelFiles.JSON.readValue(ckpt.resolve(TRAINER).toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ckpt.resolve(TRAINER) + ": " + e.getMessage(), e);
        }
    }

    /** Loads the optimiser state of a checkpoint folder into {@code adam}. */
    public static void loadOptimizer(Path ckpt, Adam adam) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(ckpt.resolve(OPTIMIZER))) {
            for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) m.put(e.getKey(), e.getValue().load());
        }
        adam.load(m);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
