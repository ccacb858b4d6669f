package io.denseav.modelimport;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reader and writer for the <a href="https://github.com/huggingface/safetensors#format">safetensors format</a>:
 * an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
 * ({@code {"__metadata__": {str: str}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}}),
 * then the data section, to which the offsets are relative. Opening reads only the header.
 */
public final class SafeTensors {

    /** The official library refuses headers larger than this ({@code MAX_HEADER_SIZE}). */
    static final long MAX_HEADER = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final int CHUNK = 8 << 20;
    /** The Rust crate's {@code Dtype} declaration order (grouped by size); files are laid out by it, descending. */
    private static final List<String> DTYPE_ORDER = List.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16",
            "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64");

    /** The header: strict, as the official parser (no duplicate keys, nothing after the object). */
    private static final ObjectMapper HEADER_JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** config.json: as lenient as Python's json module, which writes it (NaN, duplicate keys). */
    private static final ObjectMapper CONFIG_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    private SafeTensors() {
    }

    /** Opens a safetensors file lazily; called by {@link Checkpoint#open} after sniffing. */
    static Checkpoint open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return read(path, channel);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    private static Checkpoint read(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) throw new CheckpointException(path, "file is too short (" + fileSize + " bytes) for a safetensors header");
        long n = readFully(channel, 0, 8).getLong(0); // u64: negative means >= 2^63
        if (n < 0 || n > fileSize - 8) {
            throw new CheckpointException(path, "header length " + Long.toUnsignedString(n)
                    + " exceeds the file size (" + fileSize + " bytes)");
        }
        if (n > MAX_HEADER) throw new CheckpointException(path, "header length " + n + " exceeds the 100 MB limit");
        JsonNode root;
        try {
            root = HEADER_JSON.readTree(readFully(channel, 8, (int) n).array());
        } catch (JsonProcessingException e) {
            throw new CheckpointException(path, "header is not valid JSON (" + jsonProblem(e) + ")");
        }
        if (root == null || !root.isObject()) throw new CheckpointException(path, "header is not a JSON object");

        ByteSource data = ByteSource.of(channel, 8 + n, fileSize - 8 - n);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA)) {
                metadata.put(METADATA, stringMap(path, e.getValue()));
            } else {
                tensors.put(e.getKey(), tensor(path, e.getKey(), e.getValue(), data));
            }
        }
        Path config = path.toAbsolutePath().resolveSibling("config.json");
        if (Files.isRegularFile(config)) metadata.put("config.json", readConfig(config, path));
        return new Checkpoint(path, Checkpoint.Format.SAFETENSORS, tensors, metadata, List.of(channel));
    }

    /** One header entry, validated completely before {@link Tensor#contiguous} sees it. */
    private static Tensor tensor(Path path, String name, JsonNode node, ByteSource data) {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) throw new CheckpointException(path, what + " is not a JSON object");
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) throw new CheckpointException(path, what + " has no dtype");
        DType dtype = DType.fromSafetensors(dt.asText());
        if (dtype == null) throw new CheckpointException(path, "unknown dtype '" + dt.asText() + "' for " + what);
        long[] shape = nonNegativeLongs(node.get("shape"), -1);
        if (shape == null) throw new CheckpointException(path, what + " has a missing or invalid shape " + show(node.get("shape")));
        long[] offsets = nonNegativeLongs(node.get("data_offsets"), 2);
        if (offsets == null || offsets[0] > offsets[1]) {
            throw new CheckpointException(path, what + " has invalid data_offsets " + show(node.get("data_offsets"))
                    + " (expected [begin, end] with 0 <= begin <= end)");
        }
        if (offsets[1] > data.size()) {
            throw new CheckpointException(path, what + " data lies outside the file (bytes " + offsets[0] + ".."
                    + offsets[1] + " of a data section of " + data.size() + " bytes)");
        }
        long nbytes;
        try {
            long numel = 1;
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            nbytes = Math.multiplyExact(numel, (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new CheckpointException(path, what + " has an impossible shape " + Arrays.toString(shape) + " (size overflows)");
        }
        if (offsets[1] - offsets[0] != nbytes) {
            throw new CheckpointException(path, what + " has " + (offsets[1] - offsets[0]) + " bytes of data but "
                    + dtype + Arrays.toString(shape) + " needs " + nbytes);
        }
        return Tensor.contiguous(path, name, dtype, shape, data, offsets[0]);
    }

    /** A JSON array of non-negative integers fitting a long (of {@code length} elements unless -1), else null. */
    private static long[] nonNegativeLongs(JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) return null;
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) return null;
            out[i] = v.asLong();
        }
        return out;
    }

    private static Map<String, Object> stringMap(Path path, JsonNode node) {
        if (!node.isObject()) throw new CheckpointException(path, METADATA + " is not a JSON object");
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(path, METADATA + " must map strings to strings, but '" + e.getKey()
                        + "' is " + show(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The HF {@code config.json} beside a checkpoint, as plain Map/List/String/Long/Double/Boolean/null values. */
    private static Object readConfig(Path config, Path checkpoint) throws IOException {
        try {
            return CONFIG_JSON.readValue(config.toFile(), Object.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(config, "config.json is not valid JSON (" + jsonProblem(e)
                    + "); it is read as the metadata of " + checkpoint.getFileName());
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) throw new EOFException("file ends inside the header");
        }
        return buf.flip();
    }

    static String jsonProblem(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return String.valueOf(e.getOriginalMessage()).replace('\n', ' ') + where;
    }

    private static String show(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * Writes tensors as a safetensors file, atomically (see {@link AtomicFiles}), byte for byte as the official
     * library's {@code serialize}: compact JSON header with {@code __metadata__} first, tensors sorted by dtype
     * (largest alignment first, in the crate's dtype order) then name, header padded with spaces so that the data
     * section starts 8-byte aligned.
     * Each tensor's {@link Tensor#bytes()} is streamed to the file in turn; progress is reported in bytes.
     *
     * @throws IllegalArgumentException for duplicate tensor names or null metadata
     * @throws java.io.UncheckedIOException if the file cannot be written (nothing is left at {@code out})
     */
    public static void write(Path out, Collection<Tensor> tensors, Map<String, String> metadata, Progress progress) {
        Progress p = progress == null ? Progress.NONE : progress;
        List<Tensor> sorted = new ArrayList<>(tensors);
        Set<String> names = new HashSet<>();
        for (Tensor t : sorted) {
            if (!names.add(t.name())) throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            if (t.name().equals(METADATA)) throw new IllegalArgumentException("tensor name '" + METADATA + "' is reserved");
        }
        sorted.sort(Comparator.comparingInt((Tensor t) -> -DTYPE_ORDER.indexOf(t.dtype().safetensorsName()))
                .thenComparing(Tensor::name));

        ObjectNode header = HEADER_JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must not be null");
                m.put(k, v);
            });
        }
        long offset = 0;
        for (Tensor t : sorted) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            long end = Math.addExact(offset, t.byteSize());
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = HEADER_JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = json.length + (8 - (8 + json.length) % 8) % 8; // 8 + N is a multiple of 8
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        long total = offset;

        AtomicFiles.write(out, os -> {
            p.start("writing " + out.getFileName(), total);
            try {
                os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                os.write(headerBytes);
                for (Tensor t : sorted) writeData(os, t, p);
            } finally {
                p.done();
            }
        });
    }

    /** Streams one tensor's bytes in chunks, so that progress moves during a large tensor. */
    private static void writeData(OutputStream os, Tensor t, Progress p) throws IOException {
        ByteBuffer b = t.bytes();
        if (b.remaining() != t.byteSize()) {
            throw new IllegalStateException("tensor '" + t.name() + "' produced " + b.remaining() + " bytes, expected " + t.byteSize());
        }
        byte[] chunk = b.hasArray() ? null : new byte[(int) Math.min(CHUNK, b.remaining())];
        while (b.hasRemaining()) {
            int len = Math.min(CHUNK, b.remaining());
            if (chunk == null) {
                os.write(b.array(), b.arrayOffset() + b.position(), len);
                b.position(b.position() + len);
            } else {
                b.get(chunk, 0, len);
                os.write(chunk, 0, len);
            }
            p.step(len);
        }
    }

    /**
     * Writes ND4J arrays (any type {@link DType} covers) as a safetensors file. Each array is converted to
     * little-endian 'c'-order bytes only when its turn comes, so at most one extra copy is held at a time.
     */
    public static void writeArrays(Path out, Map<String, INDArray> arrays, Map<String, String> metadata) {
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) tensors.add(ArrayBytes.tensor(e.getKey(), e.getValue()));
        write(out, tensors, metadata, Progress.NONE);
    }
}
