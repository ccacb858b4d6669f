package io.denseav.modelimport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Conversions between ND4J arrays and the little-endian row-major bytes that every checkpoint format stores. */
final class ArrayBytes {

    private ArrayBytes() {
    }

    /** The checkpoint dtype of an ND4J array; {@link IllegalArgumentException} for types no format can hold. */
    static DType dtypeOf(String name, INDArray a) {
        DType d = DType.fromNd4j(a.dataType());
        if (d == null) {
            throw new IllegalArgumentException("array '" + name + "' has data type " + a.dataType()
                    + ", which checkpoints cannot store");
        }
        return d;
    }

    /** The shape of {@code a}; an ND4J empty array without a zero dimension is reported as shape [0]. */
    static long[] shapeOf(INDArray a) {
        long[] shape = a.shape();
        if (a.isEmpty()) {
            for (long s : shape) {
                if (s == 0) return shape;
            }
            return new long[] {0};
        }
        return shape;
    }

    /**
     * A tensor over the values of {@code a}; the little-endian copy is made when {@link Tensor#bytes()} is called,
     * not now, so that writers hold one converted array at a time.
     */
    static Tensor tensor(String name, INDArray a) {
        DType d = dtypeOf(name, a);
        long nbytes = Math.multiplyExact(a.isEmpty() ? 0 : a.length(), (long) d.size());
        ByteSource lazy = ByteSource.of(nbytes, (offset, length) ->
                ByteBuffer.wrap(littleEndian(name, a), (int) offset, length).slice().order(ByteOrder.LITTLE_ENDIAN));
        return Tensor.contiguous(null, name, d, shapeOf(a), lazy, 0);
    }

    /** The values of {@code a} as contiguous 'c'-order little-endian bytes (a copy). */
    static byte[] littleEndian(String name, INDArray a) {
        DType d = dtypeOf(name, a);
        if (a.isEmpty() || a.length() == 0) return new byte[0];
        long nbytes = Math.multiplyExact(a.length(), (long) d.size());
        if (nbytes > Tensor.MAX_BYTES) {
            throw new IllegalArgumentException("array '" + name + "' is " + nbytes + " bytes, too large for one buffer");
        }
        ByteBuffer nio = contiguousNio(a, nbytes);
        if (nio == null) nio = contiguousNio(a.dup('c'), nbytes);
        if (nio == null) throw new IllegalStateException("ND4J returned no buffer for array '" + name + "'");
        byte[] out = new byte[(int) nbytes];
        nio.duplicate().get(out);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) swap(ByteBuffer.wrap(out), d.size());
        return out;
    }

    /** The native-order buffer of exactly {@code nbytes} holding {@code a} in 'c' order, or null if it has none. */
    private static ByteBuffer contiguousNio(INDArray a, long nbytes) {
        if (a.ordering() != 'c' || a.isView() || a.data() == null || a.data().offset() != 0 || !cStrides(a)) {
            return null;
        }
        ByteBuffer nio = a.data().asNio();
        if (nio == null || nio.remaining() < nbytes) return null;
        return nio.slice().limit((int) nbytes);
    }

    /** Row-major strides, ignoring size-1 dimensions (whose stride ND4J sets freely, e.g. [192, 3, 3, 1] for [32, 64, 1, 3]). */
    private static boolean cStrides(INDArray a) {
        long expected = 1;
        long[] shape = a.shape();
        long[] stride = a.stride();
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Reverses the byte order of every {@code elemSize}-byte element between position and limit, in place. */
    static void swap(ByteBuffer b, int elemSize) {
        if (elemSize == 1) return;
        for (int i = b.position(); i + elemSize <= b.limit(); i += elemSize) {
            for (int lo = i, hi = i + elemSize - 1; lo < hi; lo++, hi--) {
                byte t = b.get(lo);
                b.put(lo, b.get(hi));
                b.put(hi, t);
            }
        }
    }
}
