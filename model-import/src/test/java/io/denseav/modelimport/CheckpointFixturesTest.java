package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.denseav.fixtures.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every good fixture written by generate_checkpoints.py (torch 1.13 / numpy) is read back and compared with what
 * torch itself reported: format, names, dtypes, shapes, every value, and the plain-data metadata.
 */
class CheckpointFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static Stream<Path> expectations() throws Exception {
        Path dir = Fixtures.path("checkpoints");
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> l = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith("expected.json"))
                    .filter(p -> !p.startsWith(dir.resolve("bad"))).sorted().toList());
            return l.stream();
        }
    }

    /** {@code X.expected.json} describes X; {@code DIR/expected.json} describes DIR/model.safetensors. */
    static Path checkpointOf(Path expected) {
        String n = expected.getFileName().toString();
        return n.equals("expected.json") ? expected.resolveSibling("model.safetensors")
                : expected.resolveSibling(n.substring(0, n.length() - ".expected.json".length()));
    }

    @ParameterizedTest
    @MethodSource("expectations")
    void matchesTorch(Path expectedFile) throws Exception {
        JsonNode expected = JSON.readTree(expectedFile.toFile());
        Path file = checkpointOf(expectedFile);
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            String where = file.getFileName().toString();
            assertEquals(expected.get("format").asText(), ckpt.format().name().toLowerCase(Locale.ROOT).replace('_', '-'), where);
            JsonNode tensors = expected.get("tensors");
            TreeSet<String> names = new TreeSet<>();
            tensors.fieldNames().forEachRemaining(names::add);
            assertEquals(names, new TreeSet<>(ckpt.tensors().keySet()), where + ": tensor names");
            for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Tensor t = ckpt.tensor(e.getKey());
                String tw = where + ":" + e.getKey();
                assertEquals(e.getValue().get("dtype").asText(), t.dtype().name(), tw + " dtype");
                assertArrayEquals(JSON.treeToValue(e.getValue().get("shape"), long[].class), t.shape(), tw + " shape");
                JsonTrees.assertSameJson(e.getValue().get("values"), values(t), tw);
            }
            ObjectNode meta = JSON.valueToTree(ckpt.metadata());
            meta.remove("__metadata__"); // safetensors' own string map; checked in safetensorsHeaderMetadata
            JsonTrees.assertSameJson(expected.path("metadata").isMissingNode() ? NODES.objectNode() : expected.get("metadata"),
                    meta, where + ": metadata");
        }
    }

    /** ND4J arrays carry the same dtype, shape and values as the raw bytes. */
    @ParameterizedTest
    @MethodSource("expectations")
    void loadsIntoNd4j(Path expectedFile) {
        try (Checkpoint ckpt = Checkpoint.open(checkpointOf(expectedFile))) {
            for (Tensor t : ckpt.tensors().values()) {
                INDArray a = t.load();
                assertEquals(t.dtype().nd4j(), a.dataType(), t.name());
                assertArrayEquals(t.shape(), a.shape(), t.name());
                if (t.dtype() == DType.I64) continue; // checked exactly via bytes above; double would round
                double[] got = a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
                float[] want = t.toFloats();
                for (int i = 0; i < want.length; i++) {
                    if (t.dtype() == DType.F64) continue;
                    assertEquals(want[i], (float) got[i], 0f, t.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void safetensorsHeaderMetadata() {
        try (Checkpoint ckpt = Checkpoint.open(Fixtures.path("checkpoints/tensors.safetensors"))) {
            assertEquals(Map.of("format", "pt"), ckpt.metadata().get("__metadata__"));
        }
    }

    @Test
    void stridedViewsAndSharedStorageAreDetected() {
        try (Checkpoint ckpt = Checkpoint.open(Fixtures.path("checkpoints/views.pt"))) {
            assertTrue(ckpt.tensors().values().stream().anyMatch(Tensor::isView), "views.pt holds non-contiguous views");
        }
    }

    /** Exact values as JSON: floats widened exactly, integers as integers, bools as booleans. */
    static ArrayNode values(Tensor t) {
        ByteBuffer b = t.bytes();
        ArrayNode out = NODES.arrayNode();
        int n = (int) t.numel();
        float[] f = t.dtype() == DType.F16 || t.dtype() == DType.BF16 ? t.toFloats() : null;
        for (int i = 0; i < n; i++) {
            switch (t.dtype()) {
                case F64: out.add(b.getDouble(i * 8)); break;
                case F32: out.add((double) b.getFloat(i * 4)); break;
                case F16: case BF16: out.add((double) f[i]); break;
                case I64: out.add(b.getLong(i * 8)); break;
                case I32: out.add(b.getInt(i * 4)); break;
                case I16: out.add(b.getShort(i * 2)); break;
                case I8: out.add(b.get(i)); break;
                case U8: out.add(b.get(i) & 0xff); break;
                case BOOL: out.add(b.get(i) != 0); break;
                default: throw new IllegalStateException();
            }
        }
        return out;
    }
}
