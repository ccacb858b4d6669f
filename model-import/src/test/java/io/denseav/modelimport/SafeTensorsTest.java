package io.denseav.modelimport;

import io.denseav.fixtures.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafeTensorsTest {

    @TempDir
    Path dir;

    /** Deterministic bytes of {@code n} elements (BOOL as 0/1). */
    static byte[] sample(DType d, int n, long seed) {
        byte[] b = new byte[n * d.size()];
        new Random(seed).nextBytes(b);
        if (d == DType.BOOL) for (int i = 0; i < b.length; i++) b[i] &= 1;
        return b;
    }

    static Tensor tensor(String name, DType d, long[] shape, byte[] bytes) {
        return Tensor.contiguous(null, name, d, shape, ByteSource.of(bytes), 0);
    }

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripsEveryDType(DType d) {
        byte[] w = sample(d, 6, 1);
        byte[] s = sample(d, 1, 2);
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, List.of(tensor("w", d, new long[] {2, 3}, w), tensor("scalar", d, new long[0], s),
                tensor("empty", d, new long[] {0, 4}, new byte[0])), Map.of("format", "pt"), Progress.NONE);
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(Checkpoint.Format.SAFETENSORS, c.format());
            assertEquals(d, c.tensor("w").dtype());
            assertArrayEquals(new long[] {2, 3}, c.tensor("w").shape());
            assertArrayEquals(w, array(c.tensor("w").bytes()));
            assertArrayEquals(new long[0], c.tensor("scalar").shape());
            assertArrayEquals(s, array(c.tensor("scalar").bytes()));
            assertArrayEquals(new long[] {0, 4}, c.tensor("empty").shape());
            assertEquals(0, c.tensor("empty").bytes().remaining());
            assertEquals(Map.of("format", "pt"), c.metadata().get("__metadata__"));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void writeArraysRoundTripsNd4jArrays(DType d) {
        INDArray a = Nd4j.arange(12).reshape(3, 4).castTo(d.nd4j());
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("a", a);
        arrays.put("a_t", a.transpose()); // a non-contiguous view is written in 'c' order
        Path file = dir.resolve("arrays.safetensors");
        SafeTensors.writeArrays(file, arrays, Map.of());
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(a, c.tensor("a").load());
            assertEquals(a.transpose().dup('c'), c.tensor("a_t").load());
            assertEquals(d, c.tensor("a_t").dtype());
            assertFalse(c.metadata().containsKey("__metadata__"));
        }
    }

    @Test
    void layoutFollowsTheOfficialLibrary() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        // the crate sorts by its Dtype enum (BOOL < U8 < I8 < I16 < F16 < BF16 < I32 < F32 < F64 < I64), descending
        SafeTensors.write(file, List.of(tensor("a_bool", DType.BOOL, new long[] {3}, sample(DType.BOOL, 3, 1)),
                tensor("b_u8", DType.U8, new long[] {3}, sample(DType.U8, 3, 3)),
                tensor("a_f16", DType.F16, new long[] {3}, sample(DType.F16, 3, 4)),
                tensor("y_bf16", DType.BF16, new long[] {1}, sample(DType.BF16, 1, 4)),
                tensor("a_f64", DType.F64, new long[] {1}, sample(DType.F64, 1, 5)),
                tensor("z_i64", DType.I64, new long[] {2}, sample(DType.I64, 2, 6))), null, null);
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = raw.getLong(0);
        assertEquals(0, (8 + n) % 8, "data section is 8-byte aligned");
        String header = new String(raw.array(), 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.strip().endsWith("}"), header);
        JsonNode json = new ObjectMapper().readTree(header);
        List<String> order = new ArrayList<>();
        json.fieldNames().forEachRemaining(order::add);
        assertEquals(List.of("z_i64", "a_f64", "y_bf16", "a_f16", "b_u8", "a_bool"), order);
        long expectBegin = 0;
        for (Iterator<JsonNode> it = json.elements(); it.hasNext(); ) {
            JsonNode off = it.next().get("data_offsets");
            assertEquals(expectBegin, off.get(0).asLong(), "tensors are packed in order");
            expectBegin = off.get(1).asLong();
        }
        assertEquals(raw.capacity(), 8 + n + expectBegin);
    }

    /** The serialization vectors of the safetensors crate's own tests (tensor.rs: test_serialization, test_empty). */
    @Test
    void matchesTheOfficialSerializationVectors() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) data.putFloat(i);
        Path file = dir.resolve("v.safetensors");
        SafeTensors.write(file, List.of(tensor("attn.0", DType.F32, new long[] {1, 2, 3}, data.array())), null, null);
        assertArrayEquals(concat(file("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", 0),
                data.array()), Files.readAllBytes(file));
        SafeTensors.write(file, List.of(), Map.of(), null);
        assertArrayEquals(file("{}      ", 0), Files.readAllBytes(file));
        SafeTensors.write(file, List.of(), Map.of("framework", "pt"), null);
        assertArrayEquals(file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", 0), Files.readAllBytes(file));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void openReadsOnlyTheHeader() throws IOException {
        Path file = dir.resolve("lazy.safetensors");
        SafeTensors.write(file, List.of(tensor("w", DType.F32, new long[] {2}, new byte[8])), Map.of(), Progress.NONE);
        try (Checkpoint c = Checkpoint.open(file)) {
            long dataStart = Files.size(file) - 8;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip(), dataStart);
            }
            assertArrayEquals(new float[] {1.5f, -2f}, c.tensor("w").toFloats(), "data is read on demand, after open");
        }
    }

    @Test
    void reportsProgressInBytes() {
        List<String> events = new ArrayList<>();
        Progress p = new Progress() {
            @Override public void start(String task, long total) { events.add("start " + task + " " + total); }
            @Override public void step(long units) { events.add("step " + units); }
            @Override public void done() { events.add("done"); }
        };
        SafeTensors.write(dir.resolve("p.safetensors"), List.of(tensor("a", DType.F32, new long[] {4}, new byte[16]),
                tensor("b", DType.I8, new long[] {3}, new byte[3])), Map.of(), p);
        assertEquals(List.of("start writing p.safetensors 19", "step 16", "step 3", "done"), events);
    }

    @Test
    void readsConfigJsonBesideTheFileAsMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, List.of(tensor("w", DType.F32, new long[] {1}, new byte[4])), Map.of(), Progress.NONE);
        Files.writeString(dir.resolve("config.json"),
                "{\"model_type\": \"hubert\", \"hidden_size\": 32, \"eps\": 1e-05, \"conv_dim\": [8, 8], \"x\": null, \"b\": true}");
        try (Checkpoint c = Checkpoint.open(file)) {
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("model_type", "hubert");
            expected.put("hidden_size", 32L);
            expected.put("eps", 1e-05);
            expected.put("conv_dim", List.of(8L, 8L));
            expected.put("x", null);
            expected.put("b", true);
            assertEquals(expected, c.metadata().get("config.json"));
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": ");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    /** 8-byte length + header + {@code dataBytes} zero bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    static byte[] withLength(long length, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(h).array();
    }

    static String entry(String dtype, String shape, String offsets) {
        return "{\"w\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": " + offsets + "}}";
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(new byte[] {1, 0, 0}, "file is too short (3 bytes)"),
                Arguments.of(withLength(1000, "{}"), "header length 1000 exceeds the file size (10 bytes)"),
                Arguments.of(withLength(-1, "{}"), "header length 18446744073709551615 exceeds the file size"),
                Arguments.of(file("{\"w\": ", 0), "header is not valid JSON"),
                Arguments.of(file("{} {}", 0), "header is not valid JSON"),
                Arguments.of(file("[1, 2]", 0), "header is not a JSON object"),
                Arguments.of(file("{\"w\": 3}", 0), "tensor 'w' is not a JSON object"),
                Arguments.of(file("{\"w\": {}, \"w\": {}}", 0), "Duplicate field 'w'"),
                Arguments.of(file(entry("X99", "[1]", "[0, 4]"), 4), "unknown dtype 'X99' for tensor 'w'"),
                Arguments.of(file("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "tensor 'w' has no dtype"),
                Arguments.of(file("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4), "tensor 'w' has a missing or invalid shape"),
                Arguments.of(file(entry("F32", "[-1, 2]", "[0, 4]"), 4), "tensor 'w' has a missing or invalid shape [-1,2]"),
                Arguments.of(file(entry("F32", "[1.5]", "[0, 4]"), 4), "tensor 'w' has a missing or invalid shape"),
                Arguments.of(file(entry("F32", "[1]", "[4]"), 4), "tensor 'w' has invalid data_offsets [4]"),
                Arguments.of(file(entry("F32", "[1]", "[-4, 0]"), 4), "tensor 'w' has invalid data_offsets"),
                Arguments.of(file(entry("F32", "[1]", "[4, 0]"), 4), "tensor 'w' has invalid data_offsets [4,0]"),
                Arguments.of(file(entry("F32", "[1]", "[\"0\", \"4\"]"), 4), "tensor 'w' has invalid data_offsets"),
                Arguments.of(file(entry("F32", "[1]", "[0, 99999999999999999999]"), 4), "tensor 'w' has invalid data_offsets"),
                Arguments.of(file(entry("F32", "[4]", "[0, 16]"), 8), "tensor 'w' data lies outside the file"),
                Arguments.of(file(entry("F32", "[2]", "[0, 4]"), 4), "tensor 'w' has 4 bytes of data but F32[2] needs 8"),
                Arguments.of(file(entry("F32", "[4294967296, 4294967296]", "[0, 0]"), 0), "tensor 'w' has an impossible shape"),
                Arguments.of(file("{\"__metadata__\": {\"epoch\": 3}}", 0), "__metadata__ must map strings to strings"),
                Arguments.of(file("{\"__metadata__\": [1]}", 0), "__metadata__ is not a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsMalformedHeaders(byte[] bytes, String problem) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.open(file).close());
        assertTrue(e.problem().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(file.toString(), e.file());
        assertFalse(e.problem().contains("\n"), "one-line message");
    }

    @Test
    void checkpointOpenReportsTheSameProblem() throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), file(entry("X99", "[1]", "[0, 4]"), 4));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file));
        assertEquals("unknown dtype 'X99' for tensor 'w'", e.problem());
    }

    @Test
    void rejectsHeadersOverTheLimitWithoutReadingThem() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        long n = SafeTensors.MAX_HEADER + 1;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(8 + n); // sparse
            f.write(ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put((byte) '{').array());
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file));
        assertEquals("header length 100000001 exceeds the 100 MB limit", e.problem());
    }

    @Test
    void failedWriteLeavesNoFileAndKeepsTheOldOne() throws IOException {
        ByteSource failing = new ByteSource() {
            @Override public long size() { return 8; }
            @Override public ByteBuffer read(long offset, int length) throws IOException { throw new IOException("disk on fire"); }
        };
        Tensor bad = Tensor.contiguous(null, "bad", DType.F32, new long[] {2}, failing, 0);
        Tensor good = tensor("good", DType.F32, new long[] {1}, new byte[4]);
        Path file = dir.resolve("out.safetensors");
        assertThrows(CheckpointException.class, () -> SafeTensors.write(file, List.of(good, bad), Map.of(), Progress.NONE));
        assertEquals(List.of(), list(dir), "no output and no temporary file");

        SafeTensors.write(file, List.of(good), Map.of(), Progress.NONE);
        byte[] before = Files.readAllBytes(file);
        assertThrows(CheckpointException.class, () -> SafeTensors.write(file, List.of(bad), Map.of(), Progress.NONE));
        assertArrayEquals(before, Files.readAllBytes(file), "the existing file is untouched");
        assertEquals(List.of("out.safetensors"), list(dir));

        assertThrows(UncheckedIOException.class,
                () -> SafeTensors.write(dir.resolve("missing/x.safetensors"), List.of(good), Map.of(), Progress.NONE));
    }

    @Test
    void rejectsDuplicateNames() {
        Tensor a = tensor("w", DType.F32, new long[] {1}, new byte[4]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("d.safetensors"), List.of(a, a), Map.of(), Progress.NONE));
        assertTrue(e.getMessage().contains("duplicate tensor name 'w'"));
        assertFalse(Files.exists(dir.resolve("d.safetensors")));
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // --- reference fixtures written by torch / the safetensors library -------------------------------------------

    /** Written by the generator exactly as the Rust crate serializes; re-writing what we read must give the same bytes. */
    @ParameterizedTest
    @ValueSource(strings = {"tensors.safetensors", "hf_hubert_tiny/model.safetensors", "tiny_denseav_hf/model.safetensors"})
    void rewritesFixturesByteForByte(String name) throws IOException {
        Path file = Fixtures.path("checkpoints/" + name);
        Path copy = dir.resolve("copy.safetensors");
        try (Checkpoint c = Checkpoint.open(file)) {
            Map<String, String> meta = new LinkedHashMap<>();
            ((Map<?, ?>) c.metadata().get("__metadata__")).forEach((k, v) -> meta.put((String) k, (String) v));
            SafeTensors.write(copy, c.tensors().values(), meta, Progress.NONE);
        }
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
    }
}
