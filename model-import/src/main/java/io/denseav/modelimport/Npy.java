package io.denseav.modelimport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reader and writer for numpy's <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">.npy
 * format</a>: magic {@code \x93NUMPY}, version byte pair (1.0, 2.0 or 3.0), header length (u16 for 1.0, u32 after),
 * a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and
 * ended by {@code '\n'}, then the raw array data. Object arrays (pickles) are refused.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy's ARRAY_ALIGN: the data of a written file starts at a multiple of this. */
    private static final int ALIGN = 64;
    /** numpy pads the header by 21 - len(repr(shape[0])) spaces so the array can grow in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Largest header read; a real header is a few hundred bytes (numpy itself refuses more than 10000). */
    private static final int MAX_HEADER = 65535;
    /** numpy's NPY_MAXDIMS. */
    private static final int MAX_DIMS = 64;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private Npy() {
    }

    /** Opens a .npy file as a checkpoint of one tensor named after the file; called by {@link Checkpoint#open}. */
    static Checkpoint open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            Tensor t = parse(path, stripNpy(path.getFileName().toString()), ByteSource.of(channel, 0, channel.size()));
            return new Checkpoint(path, Checkpoint.Format.NPY, Map.of(t.name(), t), Map.of(), List.of(channel));
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** {@code name} without a trailing ".npy". */
    static String stripNpy(String name) {
        return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
    }

    /**
     * Parses the header of the .npy bytes in {@code source} (a file, or an .npz member) and returns a lazy tensor
     * over its data. Big-endian data is byte-swapped when read; Fortran-order data becomes a column-major view.
     */
    static Tensor parse(Path file, String name, ByteSource source) throws IOException {
        long size = source.size();
        if (size < 10) throw problem(file, name, "is too short (" + size + " bytes) for a .npy header");
        ByteBuffer pre = source.read(0, (int) Math.min(size, 12));
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) throw problem(file, name, "is not a .npy array (wrong magic number)");
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        int prefix = major == 1 ? 10 : 12;
        if ((major < 1 || major > 3) || minor != 0) {
            throw problem(file, name, "has unsupported .npy format version " + major + "." + minor);
        }
        if (size < prefix) throw problem(file, name, "is too short (" + size + " bytes) for a .npy header");
        long hlen = major == 1 ? pre.getShort(8) & 0xffff : pre.getInt(8) & 0xffffffffL;
        if (hlen > size - prefix) {
            throw problem(file, name, "has header length " + hlen + ", which exceeds the file size (" + size + " bytes)");
        }
        if (hlen > MAX_HEADER) throw problem(file, name, "has header length " + hlen + ", over the 64 KiB limit");
        byte[] raw = new byte[(int) hlen];
        source.read(prefix, raw.length).get(raw);
        // Versions 1.0 and 2.0 store latin1 headers, 3.0 UTF-8 (for unicode field names).
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object literal;
        try {
            literal = new PyLiteral(text).parseAll();
        } catch (IllegalArgumentException e) {
            throw problem(file, name, "has a header that is not a Python literal (" + e.getMessage() + ")");
        }
        if (!(literal instanceof Map) || !((Map<?, ?>) literal).keySet().equals(KEYS)) {
            throw problem(file, name, "has a header that is not a dict of 'descr', 'fortran_order' and 'shape'");
        }
        Map<?, ?> header = (Map<?, ?>) literal;
        DType dtype = dtype(file, name, header.get("descr"));
        if (!(header.get("fortran_order") instanceof Boolean)) throw problem(file, name, "has a non-boolean fortran_order");
        long[] shape = shape(file, name, header.get("shape"));
        long numel = 1;
        long nbytes;
        try {
            for (long d : shape) numel = Math.multiplyExact(numel, d);
            nbytes = Math.multiplyExact(numel, (long) dtype.size());
        } catch (ArithmeticException e) {
            throw problem(file, name, "has an impossible shape " + Arrays.toString(shape) + " (size overflows)");
        }
        long start = prefix + hlen;
        if (nbytes > size - start) {
            throw problem(file, name, "data lies outside the file (" + dtype + Arrays.toString(shape) + " needs " + nbytes
                    + " bytes, " + (size - start) + " follow the header)");
        }
        ByteSource data = source.slice(start, nbytes);
        if (((String) header.get("descr")).charAt(0) == '>' && dtype.size() > 1) data = byteSwapped(data, dtype.size());
        if ((Boolean) header.get("fortran_order") && numel > 0) {
            long[] stride = new long[shape.length]; // column-major: the first index varies fastest
            for (int d = 0; d < shape.length; d++) {
                stride[d] = d == 0 ? 1 : stride[d - 1] * shape[d - 1];
            }
            return Tensor.strided(file, name, dtype, shape, stride, 0, data);
        }
        return Tensor.contiguous(file, name, dtype, shape, data, 0);
    }

    /** The dtype of a descr such as {@code '<f4'}; '=' and '|' (native, not applicable) read as little-endian. */
    private static DType dtype(Path file, String name, Object descr) {
        if (!(descr instanceof String)) {
            throw problem(file, name, "has unsupported numpy dtype " + descr + " (structured arrays are not supported)");
        }
        String s = (String) descr;
        if (s.equals("O") || (s.length() >= 2 && s.substring(1).startsWith("O"))) {
            throw problem(file, name, "is an object array ('" + s + "'), which would need pickle: refused");
        }
        DType d = DType.fromNumpy(s);
        if (d == null || "<>=|".indexOf(s.charAt(0)) < 0 || !s.substring(1).equals(d.numpyDescr().substring(1))) {
            throw problem(file, name, "has unsupported numpy dtype '" + s + "'");
        }
        return d;
    }

    private static long[] shape(Path file, String name, Object shape) {
        if (!(shape instanceof List)) throw problem(file, name, "has an invalid shape " + shape + " (not a tuple)");
        List<?> dims = (List<?>) shape;
        if (dims.size() > MAX_DIMS) throw problem(file, name, "has " + dims.size() + " dimensions (at most 64)");
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(dims.get(i) instanceof Long) || (Long) dims.get(i) < 0) {
                throw problem(file, name, "has an invalid shape " + dims + " (dimensions must be non-negative integers)");
            }
            out[i] = (Long) dims.get(i);
        }
        return out;
    }

    /** Errors name the member for .npz archives and the file alone for .npy files. */
    private static CheckpointException problem(Path file, String name, String what) {
        boolean member = file == null || !stripNpy(String.valueOf(file.getFileName())).equals(name);
        return new CheckpointException(file, (member ? "member '" + name + "' " : "") + what);
    }

    /** Big-endian ('>') data, converted to little-endian on each read (reads are element-aligned). */
    private static ByteSource byteSwapped(ByteSource s, int elemSize) {
        return ByteSource.of(s.size(), (offset, length) -> {
            if (offset % elemSize != 0 || length % elemSize != 0) {
                throw new IllegalArgumentException("unaligned read of byte-swapped data");
            }
            ByteBuffer copy = ByteBuffer.allocate(length).put(s.read(offset, length)).flip();
            ArrayBytes.swap(copy, elemSize);
            return copy.order(ByteOrder.LITTLE_ENDIAN);
        });
    }

    /** The version 1.0 header numpy writes for a C-order array: padded with spaces to 64 bytes, ended by '\n'. */
    static byte[] header(DType dtype, long[] shape) {
        if (dtype.numpyDescr() == null) {
            throw new IllegalArgumentException(dtype + " has no numpy dtype; cast to F32 before saving as .npy");
        }
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.numpyDescr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) dict.append(i == 0 ? "" : ", ").append(shape[i]);
        dict.append(shape.length == 1 ? ",), }" : "), }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        int hlen = dict.length() + 1;
        int pad = ALIGN - (MAGIC.length + 2 + 2 + hlen) % ALIGN; // numpy's _wrap_header: pad is 1..64
        if (hlen + pad > 0xffff) throw new IllegalArgumentException("shape too long for a .npy 1.0 header");
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) (hlen + pad));
        b.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < pad; i++) b.put((byte) ' ');
        return b.put((byte) '\n').array();
    }

    /** The .npy file of {@code a} (as {@code np.save} writes it). BF16 has no numpy dtype: IllegalArgumentException. */
    public static byte[] toBytes(INDArray a) {
        return toBytes("array", a);
    }

    /** As {@link #toBytes(INDArray)}; {@code name} appears in error messages. */
    static byte[] toBytes(String name, INDArray a) {
        byte[] header = header(ArrayBytes.dtypeOf(name, a), ArrayBytes.shapeOf(a));
        byte[] data = ArrayBytes.littleEndian(name, a);
        byte[] out = Arrays.copyOf(header, Math.addExact(header.length, data.length));
        System.arraycopy(data, 0, out, header.length, data.length);
        return out;
    }

    /** Writes {@code a} as a .npy file, atomically (see {@link AtomicFiles}). */
    public static void write(Path out, INDArray a) {
        byte[] header = header(ArrayBytes.dtypeOf("array", a), ArrayBytes.shapeOf(a));
        byte[] data = ArrayBytes.littleEndian("array", a);
        AtomicFiles.write(out, os -> {
            os.write(header);
            os.write(data);
        });
    }

    /**
     * The Python literals an .npy header uses (ast.literal_eval subset): dict, tuple, list, str, int (with the
     * Python 2 'L' suffix), True, False, None. Tuples and lists become {@link List}, ints {@link Long}.
     */
    private static final class PyLiteral {
        private final String s;
        private int pos;
        private int depth;

        PyLiteral(String s) {
            this.s = s;
        }

        Object parseAll() {
            Object v = value();
            skipSpace();
            if (pos < s.length()) throw new IllegalArgumentException("unexpected '" + s.charAt(pos) + "' at " + pos);
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) throw new IllegalArgumentException("unexpected end");
            if (++depth > 16) throw new IllegalArgumentException("nested too deeply");
            try {
                char c = s.charAt(pos);
                if (c == '{') return dict();
                if (c == '(' || c == '[') return sequence(c == '(' ? ')' : ']');
                if (c == '\'' || c == '"') return string(c);
                if (c == '-' || Character.isDigit(c)) return integer();
                for (String word : new String[] {"True", "False", "None"}) {
                    if (s.startsWith(word, pos)) {
                        pos += word.length();
                        return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                    }
                }
                throw new IllegalArgumentException("unexpected '" + c + "' at " + pos);
            } finally {
                depth--;
            }
        }

        private Map<Object, Object> dict() {
            Map<Object, Object> out = new LinkedHashMap<>();
            pos++;
            while (!closing('}')) {
                Object key = value();
                skipSpace();
                expect(':');
                out.put(key, value());
                if (!comma()) {
                    skipSpace();
                    expect('}');
                    break;
                }
            }
            return out;
        }

        /** A tuple or list; {@code (x)} without a comma is just x, as in Python. */
        private Object sequence(char close) {
            List<Object> out = new ArrayList<>();
            boolean sawComma = false;
            pos++;
            while (!closing(close)) {
                out.add(value());
                if (!comma()) {
                    skipSpace();
                    expect(close);
                    break;
                }
                sawComma = true;
            }
            return close == ')' && out.size() == 1 && !sawComma ? out.get(0) : out;
        }

        private String string(char quote) {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                out.append(c);
            }
            expect(quote);
            return out.toString();
        }

        private Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++; // Python 2 long
            try {
                return Long.valueOf(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad integer '" + digits + "'");
            }
        }

        private boolean closing(char close) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == close) {
                pos++;
                return true;
            }
            return false;
        }

        private boolean comma() {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + pos);
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }
    }
}
