package io.denseav.modelimport;

import io.denseav.fixtures.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** .npy and .npz: round trips, numpy's exact header bytes, hand-built edge cases, malformed input, fixtures. */
class NpyTest {

    @TempDir
    Path dir;

    /** A .npy file with an arbitrary header: version major.0, u16 (1.0) or u32 header length, no alignment. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) h.length); else b.putInt(h.length);
        b.put(h).put(data);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static String dict(String descr, boolean fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }\n";
    }

    static Checkpoint openNpz(Path file) throws IOException {
        return Npz.open(file, new ZipFile(file.toFile()));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "BF16", mode = EnumSource.Mode.EXCLUDE)
    void roundTripsEveryNumpyDType(DType d) {
        INDArray a = Nd4j.arange(12).subi(5).reshape(3, 4).castTo(d.nd4j());
        Path file = dir.resolve("weights.npy");
        Npy.write(file, a.transpose()); // a 'f'-order view is written in 'c' order
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(Checkpoint.Format.NPY, c.format());
            assertEquals(List.of("weights"), List.copyOf(c.tensors().keySet()));
            Tensor t = c.tensor("weights");
            assertEquals(d, t.dtype());
            assertArrayEquals(new long[] {4, 3}, t.shape());
            assertEquals(a.transpose().dup('c'), t.load());
        }
        Npy.write(file, Nd4j.scalar(3.0).castTo(d.nd4j()));
        try (Checkpoint c = Checkpoint.open(file)) {
            assertArrayEquals(new long[0], c.tensor("weights").shape());
        }
    }

    @Test
    void bfloat16HasNoNumpyDType() {
        INDArray a = Nd4j.ones(DataType.BFLOAT16, 2);
        assertThrows(IllegalArgumentException.class, () -> Npy.toBytes(a));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), a));
        assertFalse(Files.exists(dir.resolve("x.npy")));
    }

    /** The headers numpy 2.4 writes (np.save): 128 bytes, spaces up to a final '\n' at byte 127. */
    @Test
    void writesNumpysExactHeader() {
        assertHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Nd4j.zeros(DataType.FLOAT, 2, 3));
        assertHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", Nd4j.zeros(DataType.LONG, 3));
        assertHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", Nd4j.scalar(1.5));
        assertHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (0, 4), }", Nd4j.create(DataType.BOOL, 0, 4));
        assertHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (12345, 2), }", Nd4j.zeros(DataType.UBYTE, 12345, 2));
    }

    private static void assertHeader(String dict, INDArray a) {
        byte[] bytes = Npy.toBytes(a);
        String expected = "\u0093NUMPY\u0001\u0000\u0076\u0000" + String.format("%-117s", dict) + "\n";
        assertEquals(expected, new String(bytes, 0, 128, StandardCharsets.ISO_8859_1));
        assertEquals(128 + a.length() * DType.fromNd4j(a.dataType()).size(), bytes.length);
    }

    @Test
    void readsFortranOrderAsAColumnMajorView() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {0, 3, 1, 4, 2, 5}) data.putInt(v); // [[0 1 2] [3 4 5]] stored column by column
        Path file = Files.write(dir.resolve("f.npy"), npy(1, dict("<i4", true, "(2, 3)"), data.array()));
        try (Checkpoint c = Checkpoint.open(file)) {
            assertTrue(c.tensor("f").isView());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.tensor("f").toFloats());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void byteSwapsBigEndianData(boolean fortran) throws IOException {
        ByteBuffer f8 = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
        for (double v : fortran ? new double[] {0, 3, 1, 4, 2, 5} : new double[] {0, 1, 2, 3, 4, 5}) f8.putDouble(v + 0.5);
        Path file = Files.write(dir.resolve("be.npy"), npy(1, dict(">f8", fortran, "(2, 3)"), f8.array()));
        try (Checkpoint c = Checkpoint.open(file)) {
            assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, c.tensor("be").toFloats());
            assertEquals(Nd4j.createFromArray(0.5, 1.5, 2.5, 3.5, 4.5, 5.5).reshape(2, 3), c.tensor("be").load());
        }
        ByteBuffer i2 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) -2).putShort((short) 300);
        file = Files.write(dir.resolve("be.npy"), npy(1, dict(">i2", fortran, "(2,)"), i2.array()));
        try (Checkpoint c = Checkpoint.open(file)) {
            assertArrayEquals(new float[] {-2, 300}, c.tensor("be").toFloats());
        }
    }

    /** Native '=' prefixes, Python 2 'L' ints, double quotes, key order, versions 2.0 and 3.0 (u32 header length). */
    @ParameterizedTest
    @MethodSource("headerVariants")
    void acceptsHeaderVariants(int major, String header) throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-9).array();
        Path file = Files.write(dir.resolve("v.npy"), npy(major, header, data));
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(DType.I32, c.tensor("v").dtype());
            assertArrayEquals(new float[] {7, -9}, c.tensor("v").toFloats());
        }
    }

    static Stream<Arguments> headerVariants() {
        return Stream.of(
                Arguments.of(1, dict("=i4", false, "(2,)")),
                Arguments.of(1, dict("<i4", false, "(2L,)")),
                Arguments.of(1, dict("<i4", false, "(1, 2)")),
                Arguments.of(1, "{\"shape\": (2,), \"descr\": \"<i4\", \"fortran_order\": False}   \n"),
                Arguments.of(2, dict("<i4", false, "(2,)")),
                Arguments.of(3, dict("<i4", false, "(2,)")));
    }

    static Stream<Arguments> malformed() {
        byte[] four = new byte[4];
        byte[] badMagic = npy(1, dict("<f4", false, "(1,)"), four);
        badMagic[1] = 'X';
        byte[] truncatedHeader = java.util.Arrays.copyOf(npy(1, dict("<f4", false, "(1,)"), four), 20);
        return Stream.of(
                Arguments.of(new byte[] {(byte) 0x93, 'N', 'U'}, "is too short (3 bytes)"),
                Arguments.of(badMagic, "is not a .npy array (wrong magic number)"),
                Arguments.of(npy(4, dict("<f4", false, "(1,)"), four), "unsupported .npy format version 4.0"),
                Arguments.of(truncatedHeader, "header length 58, which exceeds the file size (20 bytes)"),
                Arguments.of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,}", four), "not a Python literal"),
                Arguments.of(npy(1, "[1, 2]", four), "not a dict of 'descr', 'fortran_order' and 'shape'"),
                Arguments.of(npy(1, "{'descr': '<f4', 'shape': (1,)}", four), "not a dict of 'descr'"),
                Arguments.of(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", four), "not a dict"),
                Arguments.of(npy(1, dict("<c8", false, "(1,)"), new byte[8]), "unsupported numpy dtype '<c8'"),
                Arguments.of(npy(1, dict("<u4", false, "(1,)"), four), "unsupported numpy dtype '<u4'"),
                Arguments.of(npy(1, dict("<F4", false, "(1,)"), four), "unsupported numpy dtype '<F4'"),
                Arguments.of(npy(1, dict("f4", false, "(1,)"), four), "unsupported numpy dtype 'f4'"),
                Arguments.of(npy(1, dict("|O", false, "(1,)"), new byte[8]), "is an object array ('|O')"),
                Arguments.of(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", four), "structured"),
                Arguments.of(npy(1, "{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}", four), "non-boolean fortran_order"),
                Arguments.of(npy(1, dict("<f4", false, "(-1,)"), four), "invalid shape [-1]"),
                Arguments.of(npy(1, dict("<f4", false, "3"), four), "invalid shape 3 (not a tuple)"),
                Arguments.of(npy(1, dict("<f4", false, "(1.5,)"), four), "not a Python literal"),
                Arguments.of(npy(1, dict("<f4", false, "(99999999999999999999,)"), four), "bad integer"),
                Arguments.of(npy(1, dict("<f4", false, "(2,)"), four), "data lies outside the file (F32[2] needs 8 bytes, 4 follow"),
                Arguments.of(npy(1, dict("<f8", true, "(4294967296, 4294967296)"), four), "impossible shape"),
                Arguments.of(npy(1, "(((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),),)", four), "nested too deeply"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsMalformedFiles(byte[] bytes, String problem) throws IOException {
        Path file = Files.write(dir.resolve("bad.npy"), bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Npy.open(file).close());
        assertTrue(e.problem().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(file.toString(), e.file());
        assertFalse(e.problem().contains("\n"));
    }

    @Test
    void npzRoundTripsLikeNpSavez() throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("weight", Nd4j.rand(DataType.FLOAT, 3, 4));
        arrays.put("layer/bias", Nd4j.createFromArray(1L, -2L, 3L));
        arrays.put("mask", Nd4j.createFromArray(true, false));
        Path file = dir.resolve("a.npz");
        Npz.write(file, arrays);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(List.of("weight.npy", "layer/bias.npy", "mask.npy"), zip.stream().map(ZipEntry::getName).toList());
            assertTrue(zip.stream().allMatch(e -> e.getMethod() == ZipEntry.STORED));
        }
        try (Checkpoint c = Checkpoint.open(file)) { // via the torch zip reader, which hands .npz archives over
            assertEquals(Checkpoint.Format.NPZ, c.format());
            assertEquals(List.copyOf(arrays.keySet()), List.copyOf(c.tensors().keySet()));
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) assertEquals(e.getValue(), c.tensor(e.getKey()).load());
        }
    }

    /** np.savez_compressed deflates its members; they are streamed through the inflater on read. */
    @Test
    void readsDeflatedMembers() throws IOException {
        Path file = dir.resolve("c.npz");
        INDArray a = Nd4j.arange(1000).castTo(DataType.DOUBLE).divi(7).reshape(10, 100);
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("a.npy"));
            zip.write(Npy.toBytes(a));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("notes.txt")); // non-array members are ignored, as np.load's keys do
            zip.write("hi".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        try (Checkpoint c = openNpz(file)) {
            assertEquals(List.of("a"), List.copyOf(c.tensors().keySet()));
            assertEquals(a, c.tensor("a").load());
        }
    }

    @Test
    void npzNamesTheBadMember() throws IOException {
        Path file = dir.resolve("bad.npz");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("ok.npy"));
            zip.write(Npy.toBytes(Nd4j.ones(2)));
            zip.putNextEntry(new ZipEntry("obj.npy"));
            zip.write(npy(1, dict("|O", false, "(1,)"), new byte[8]));
            zip.closeEntry();
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> openNpz(file));
        assertEquals("member 'obj' is an object array ('|O'), which would need pickle: refused", e.problem());
    }

    @Test
    void failedNpzWriteLeavesNothing() throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("ok", Nd4j.ones(3));
        arrays.put("bf16", Nd4j.ones(DataType.BFLOAT16, 3));
        assertThrows(IllegalArgumentException.class, () -> Npz.write(dir.resolve("x.npz"), arrays));
        assertEquals(List.of(), SafeTensorsTest.list(dir));
    }

    // --- reference fixtures written by numpy -------------------------------------------------------------------

    @Test
    void fortranFixtureIsAColumnMajorView() {
        try (Checkpoint c = Checkpoint.open(Fixtures.path("checkpoints/fortran.npy"))) {
            assertTrue(c.tensor("fortran").isView());
        }
    }

    /** What we read from np.save / np.savez output and write back is byte-identical to it. */
    @Test
    void rewritesNumpyFixturesByteForByte() throws IOException {
        Path npyFile = Fixtures.path("checkpoints/arrays.npy");
        try (Checkpoint c = Checkpoint.open(npyFile)) {
            assertArrayEquals(Files.readAllBytes(npyFile), Npy.toBytes(c.tensor("arrays").load()));
        }
        Path npzFile = Fixtures.path("checkpoints/arrays.npz");
        try (Checkpoint c = openNpz(npzFile); ZipFile zip = new ZipFile(npzFile.toFile())) {
            for (Tensor t : c.tensors().values()) {
                byte[] member = zip.getInputStream(zip.getEntry(t.name() + ".npy")).readAllBytes();
                assertArrayEquals(member, Npy.toBytes(t.load()), t.name());
            }
        }
    }
}
