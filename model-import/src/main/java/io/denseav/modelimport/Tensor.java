package io.denseav.modelimport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One named tensor of a checkpoint: dtype and shape are known at open time, the data is read lazily.
 * A tensor may be a strided view into a shared storage (torch saves transposed or sliced views as they are);
 * {@link #bytes()} always returns the logical, contiguous, row-major, little-endian values.
 */
public final class Tensor {
    /** Largest tensor loaded into one buffer (Java arrays are int-indexed). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;
    /** Chunk size for {@link #readInto}. */
    private static final int READ_CHUNK = 4 << 20;

    private final Path file;
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long[] stride; // in elements; null = contiguous
    private final long offset; // in elements (strided) or bytes (contiguous)
    private final ByteSource storage;

    private Tensor(Path file, String name, DType dtype, long[] shape, long[] stride, long offset, ByteSource storage) {
        this.file = file;
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.stride = stride == null ? null : stride.clone();
        this.offset = offset;
        this.storage = storage;
    }

    /** A contiguous row-major tensor whose bytes start at {@code byteOffset} of {@code source}. */
    public static Tensor contiguous(Path file, String name, DType dtype, long[] shape, ByteSource source, long byteOffset) {
        long nbytes = checkedNumel(file, name, shape) * dtype.size();
        if (byteOffset < 0 || byteOffset > source.size() || nbytes > source.size() - byteOffset) {
            throw new CheckpointException(file, "tensor '" + name + "' data lies outside its storage (needs bytes "
                    + byteOffset + ".." + (byteOffset + nbytes) + ", storage has " + source.size() + ")");
        }
        return new Tensor(file, name, dtype, shape, null, byteOffset, source);
    }

    /**
     * A strided view: element i of the view lives at storage element {@code offset + Σ index_d·stride_d}.
     * Checks that every element lies inside the storage.
     */
    public static Tensor strided(Path file, String name, DType dtype, long[] shape, long[] stride, long offset,
                                 ByteSource storage) {
        long numel = checkedNumel(file, name, shape);
        if (stride.length != shape.length) {
            throw new CheckpointException(file, "tensor '" + name + "' has " + shape.length + " dims but "
                    + stride.length + " strides");
        }
        long storageElems = storage.size() / dtype.size();
        if (offset < 0) throw new CheckpointException(file, "tensor '" + name + "' has a negative storage offset");
        if (numel > 0) {
            long last = offset;
            for (int d = 0; d < shape.length; d++) {
                if (stride[d] < 0) throw new CheckpointException(file, "tensor '" + name + "' has a negative stride");
                last = addExact(file, name, last, multiplyExact(file, name, shape[d] - 1, stride[d]));
            }
            if (last >= storageElems) {
                throw new CheckpointException(file, "tensor '" + name + "' data lies outside its storage (needs element "
                        + last + ", storage has " + storageElems + ")");
            }
        }
        if (isRowMajor(shape, stride)) {
            return new Tensor(file, name, dtype, shape, null, offset * dtype.size(), storage);
        }
        return new Tensor(file, name, dtype, shape, stride, offset, storage);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    public long byteSize() {
        return numel() * dtype.size();
    }

    /** True if the stored data is a strided view rather than a contiguous block. */
    public boolean isView() {
        return stride != null;
    }

    /** The same data under another name (used for prefix stripping). */
    public Tensor withName(String newName) {
        return new Tensor(file, newName, dtype, shape, stride, offset, storage);
    }

    /** The logical values as contiguous row-major little-endian bytes. */
    public ByteBuffer bytes() {
        long nbytes = byteSize();
        if (nbytes > MAX_BYTES) {
            throw new CheckpointException(file, "tensor '" + name + "' is " + nbytes + " bytes, too large for one buffer");
        }
        try {
            if (stride == null) {
                return storage.read(offset, (int) nbytes);
            }
            return gather();
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointException) throw (CheckpointException) e;
            throw new CheckpointException(file, "cannot read tensor '" + name + "': " + Checkpoint.describe(e), e);
        }
    }

    /**
     * Copies the logical bytes into {@code dst} (which must have exactly {@link #byteSize()} bytes remaining), in
     * chunks, so that a large contiguous tensor can be read straight into native memory without a heap copy.
     */
    public void readInto(ByteBuffer dst) {
        long nbytes = byteSize();
        if (dst.remaining() != nbytes) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + nbytes + " bytes, buffer " + dst.remaining());
        }
        if (stride != null) {
            dst.put(bytes());
            return;
        }
        try {
            for (long done = 0; done < nbytes; ) {
                int chunk = (int) Math.min(READ_CHUNK, nbytes - done);
                dst.put(storage.read(offset + done, chunk));
                done += chunk;
            }
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file, "cannot read tensor '" + name + "': " + Checkpoint.describe(e), e);
        }
    }

    /** Loads the tensor as an ND4J array of its own dtype, in 'c' order. */
    public INDArray load() {
        ByteBuffer b = bytes();
        long[] s = shape.clone();
        int n = (int) numel();
        switch (dtype) {
            case F64: { double[] a = new double[n]; b.asDoubleBuffer().get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case F32: { float[] a = new float[n]; b.asFloatBuffer().get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case F16: case BF16: return Nd4j.create(toFloats(), s, org.nd4j.linalg.api.buffer.DataType.FLOAT).castTo(dtype.nd4j());
            case I64: { long[] a = new long[n]; b.asLongBuffer().get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case I32: { int[] a = new int[n]; b.asIntBuffer().get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case I16: { short[] a = new short[n]; b.asShortBuffer().get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case I8: case U8: { byte[] a = new byte[n]; b.get(a); return Nd4j.create(a, s, dtype.nd4j()); }
            case BOOL: { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = b.get(i) != 0; return Nd4j.create(a, s, dtype.nd4j()); }
            default: throw new IllegalStateException(dtype.toString());
        }
    }

    /** The values widened to float (exact for F16/BF16; F64/I64 round). Useful for tests and comparisons. */
    public float[] toFloats() {
        ByteBuffer b = bytes();
        int n = (int) numel();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case F64: out[i] = (float) b.getDouble(i * 8); break;
                case F32: out[i] = b.getFloat(i * 4); break;
                case F16: out[i] = halfToFloat(b.getShort(i * 2)); break;
                case BF16: out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); break;
                case I64: out[i] = b.getLong(i * 8); break;
                case I32: out[i] = b.getInt(i * 4); break;
                case I16: out[i] = b.getShort(i * 2); break;
                case I8: out[i] = b.get(i); break;
                case U8: out[i] = b.get(i) & 0xff; break;
                case BOOL: out[i] = b.get(i) != 0 ? 1f : 0f; break;
                default: throw new IllegalStateException(dtype.toString());
            }
        }
        return out;
    }

    /** Copies a strided view element by element from the span of storage it touches. */
    private ByteBuffer gather() throws IOException {
        int es = dtype.size();
        long n = numel();
        ByteBuffer out = ByteBuffer.allocate((int) (n * es)).order(ByteOrder.LITTLE_ENDIAN);
        if (n == 0) return out;
        long last = offset;
        for (int d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
        long spanBytes = (last - offset + 1) * es;
        if (spanBytes > MAX_BYTES) {
            throw new CheckpointException(file, "tensor '" + name + "' view spans " + spanBytes + " bytes, too large");
        }
        ByteBuffer src = storage.read(offset * es, (int) spanBytes);
        byte[] elem = new byte[es];
        long[] idx = new long[shape.length];
        for (long i = 0; i < n; i++) {
            long pos = 0;
            for (int d = 0; d < shape.length; d++) pos += idx[d] * stride[d];
            src.get((int) (pos * es), elem);
            out.put(elem);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out.flip();
    }

    /** IEEE binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant * 0x1p-24f; // subnormal
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static boolean isRowMajor(long[] shape, long[] stride) {
        long expect = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expect) return false;
            expect *= shape[d];
        }
        return true;
    }

    private static long checkedNumel(Path file, String name, long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) throw new CheckpointException(file, "tensor '" + name + "' has a negative dimension " + Arrays.toString(shape));
            n = multiplyExact(file, name, n, s);
        }
        return n;
    }

    private static long multiplyExact(Path file, String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, "tensor '" + name + "' has an impossible size (overflow)");
        }
    }

    private static long addExact(Path file, String name, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, "tensor '" + name + "' has an impossible size (overflow)");
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
