package io.denseav.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.graphs.DenseAv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL and resumed gives exactly the loss sequence of an uninterrupted run (CPU). */
class ResumeTest {
    static final int WARMUP = 2;
    static final int TRAIN = 6;
    static final long MODEL_SEED = 11;

    @TempDir
    Path tmp;

    /** The child process: trains into args[1] on the manifest args[0], checkpointing every 3 steps. */
    public static void main(String[] args) {
        TrainConfig c = TrainerTest.config(WARMUP, TRAIN);
        new Trainer(c, TinyData.samples(Path.of(args[0]), c.seed()), Path.of(args[1]))
                .run(() -> DenseAv.random(TinyData.microModel(2), MODEL_SEED), true);
    }

    @Test
    void killedAndResumedEqualsUninterrupted() throws Exception {
        Path csv = TinyData.write(tmp.resolve("data"), 8);
        TrainConfig c = TrainerTest.config(WARMUP, TRAIN);
        List<Map<String, Double>> straight = new Trainer(c, TinyData.samples(csv, c.seed()), tmp.resolve("a"))
                .run(() -> DenseAv.random(TinyData.microModel(2), MODEL_SEED), false).history();

        Path b = tmp.resolve("b");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ResumeTest.class.getName(), csv.toString(), b.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path firstCheckpoint = b.resolve("step-0000003");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(firstCheckpoint) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(firstCheckpoint), "the child wrote its first checkpoint: " + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly().waitFor(); // SIGKILL, wherever it is
        Path latest = Checkpoints.latest(b);
        assertTrue(Checkpoints.state(latest).step() < c.totalSteps(), "killed before the end");

        List<Map<String, Double>> resumed = new Trainer(c, TinyData.samples(csv, c.seed()), b)
                .run(() -> { throw new AssertionError("must resume, not start afresh"); }, true).history();
        assertEquals(straight, resumed);
    }
}
