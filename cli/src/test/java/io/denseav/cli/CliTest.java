package io.denseav.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import io.denseav.modelimport.Checkpoint;
import io.denseav.modelimport.ModelFamily;
import io.denseav.modelimport.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The denseav command in-process: exit codes, outputs, and the one-line errors for bad input. */
class CliTest {
    private static final Path TINY = Fixtures.path("checkpoints/tiny_denseav.ckpt");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) { }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void inspectPrintsFormatFamilySizesTableAndMetadata() {
        Result r = run("inspect", TINY.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("format      torch zip"), r.out);
        assertTrue(r.out.contains("family      DenseAV sound_and_language: K=2 heads, LoRA present, audio_cls present"), r.out);
        assertTrue(r.out.contains("pytorch-lightning_version: 1.9.4"), r.out);
        assertTrue(r.out.contains("\"sim_agg_heads\" : 2"), r.out);
        assertTrue(r.out.contains("audio_aligner.mod_list.2.layer.weight"), r.out);
    }

    @Test
    void inspectJsonHasTheDocumentedKeys() throws Exception {
        Result r = run("inspect", "--json", TINY.toString());
        assertEquals(0, r.code, r.err);
        JsonNode j = new ObjectMapper().readTree(r.out);
        assertEquals("torch-zip", j.get("format").asText());
        assertEquals("denseav", j.get("family").get("id").asText());
        try (Checkpoint c = Checkpoint.open(TINY)) {
            assertEquals(c.tensors().size(), j.get("tensors").size());
            JsonNode first = j.get("tensors").get(0);
            Tensor t = c.tensor(first.get("name").asText());
            assertEquals(t.dtype().name(), first.get("dtype").asText());
            assertEquals(t.shape().length, first.get("shape").size());
        }
        assertEquals(2, j.get("metadata").get("hyper_parameters").get("sim_agg_heads").asInt());
    }

    static Stream<Path> badFiles() throws Exception {
        try (Stream<Path> s = Files.list(Fixtures.path("checkpoints/bad"))) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badInputIsOneLineAndExitTwo(Path bad) {
        Result r = run("inspect", bad.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code);
        assertEquals("", r.out);
        assertTrue(r.err.startsWith("denseav: error: " + bad + ": "), r.err);
        assertEquals(1, r.err.strip().lines().count(), "one line, no stack trace: " + r.err);
    }

    @Test
    void missingDirectoryAndEmptyFiles() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.pth"));
        for (Path p : List.of(tmp.resolve("missing.ckpt"), tmp, empty)) {
            Result r = run("inspect", p.toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.code, p.toString());
            assertEquals(1, r.err.strip().lines().count(), r.err);
        }
    }

    @Test
    void convertWritesEveryTensorUnchanged() throws Exception {
        Path out = tmp.resolve("tiny.safetensors");
        Result r = run("convert", TINY.toString(), out.toString());
        assertEquals(0, r.code, r.err);
        try (Checkpoint in = Checkpoint.open(TINY); Checkpoint conv = Checkpoint.open(out)) {
            assertEquals(in.tensors().keySet(), conv.tensors().keySet());
            for (Tensor t : in.tensors().values()) {
                Tensor c = conv.tensor(t.name());
                assertEquals(t.dtype(), c.dtype());
                assertArrayEquals(t.shape(), c.shape());
                assertEquals(t.bytes(), c.bytes(), t.name());
            }
        }
    }

    @Test
    void convertWithPrefixExtractsTheDinoBackbone() {
        Path out = tmp.resolve("dino.safetensors");
        String prefix = "image_model.base_model.model.model.";
        Result r = run("convert", TINY.toString(), out.toString(), "--prefix", prefix);
        assertEquals(0, r.code, r.err);
        try (Checkpoint in = Checkpoint.open(TINY); Checkpoint conv = Checkpoint.open(out)) {
            assertEquals(in.withPrefix(prefix).keySet(), conv.tensors().keySet());
            assertTrue(conv.has("pos_embed"));
            assertEquals("dino-vit", ModelFamily.detect(conv).id());
        }
    }

    @Test
    void failedConvertLeavesNothingBehind() throws Exception {
        Path out = tmp.resolve("out.safetensors");
        Result r = run("convert", Fixtures.path("checkpoints/bad/outside_storage.pt").toString(), out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "no partial or temporary file");
        }
    }

    @Test
    void convertNeverOverwritesWithoutForce() throws Exception {
        Path out = Files.writeString(tmp.resolve("keep.safetensors"), "precious");
        Result r = run("convert", TINY.toString(), out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code);
        assertEquals("precious", Files.readString(out));
        assertEquals(0, run("convert", "--force", TINY.toString(), out.toString()).code);
        assertFalse(Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1).equals("precious"));
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("inspect", "--nope", TINY.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code);
        assertTrue(r.err.contains("Unknown option"), r.err);
    }

    @Test
    void verboseShowsTheStackTraceOfAnError() {
        Result r = run("-v", "inspect", Fixtures.path("checkpoints/bad/truncated.pt").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code);
        assertTrue(r.err.startsWith("denseav: error: ") && r.err.contains("\tat io.denseav."), r.err);
    }

    @Test
    void verboseFlagIsAccepted() {
        assertEquals(0, run("-v", "inspect", TINY.toString()).code);
        assertEquals(0, run("inspect", "-v", TINY.toString()).code);
    }
}
