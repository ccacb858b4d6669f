package io.denseav.modelimport;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element types a checkpoint can hold, with their names in each format:
 * safetensors dtype string, numpy descr (little-endian), torch storage class, and the ND4J type.
 */
public enum DType {
    F64(8, "F64", "<f8", "DoubleStorage", DataType.DOUBLE),
    F32(4, "F32", "<f4", "FloatStorage", DataType.FLOAT),
    F16(2, "F16", "<f2", "HalfStorage", DataType.HALF),
    BF16(2, "BF16", null, "BFloat16Storage", DataType.BFLOAT16),
    I64(8, "I64", "<i8", "LongStorage", DataType.LONG),
    I32(4, "I32", "<i4", "IntStorage", DataType.INT),
    I16(2, "I16", "<i2", "ShortStorage", DataType.SHORT),
    I8(1, "I8", "|i1", "CharStorage", DataType.BYTE),
    U8(1, "U8", "|u1", "ByteStorage", DataType.UBYTE),
    BOOL(1, "BOOL", "|b1", "BoolStorage", DataType.BOOL);

    private final int size;
    private final String safetensorsName;
    private final String numpyDescr;
    private final String torchStorage;
    private final DataType nd4j;

    DType(int size, String safetensorsName, String numpyDescr, String torchStorage, DataType nd4j) {
        this.size = size;
        this.safetensorsName = safetensorsName;
        this.numpyDescr = numpyDescr;
        this.torchStorage = torchStorage;
        this.nd4j = nd4j;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    /** Little-endian numpy descr, or null where numpy has no such type (bfloat16). */
    public String numpyDescr() {
        return numpyDescr;
    }

    /** The legacy typed-storage class name in module {@code torch}, e.g. {@code FloatStorage}. */
    public String torchStorage() {
        return torchStorage;
    }

    public DataType nd4j() {
        return nd4j;
    }

    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors dtype string, or null if unknown. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        return null;
    }

    /** The torch storage class name ({@code FloatStorage}, ...), or null if unknown. */
    public static DType fromTorchStorage(String className) {
        for (DType d : values()) {
            if (d.torchStorage.equals(className)) return d;
        }
        return null;
    }

    /** A numpy descr such as {@code <f4}, {@code |u1} or {@code =i8}; byte order is handled by the caller. */
    public static DType fromNumpy(String descr) {
        if (descr == null || descr.length() < 2) return null;
        String body = descr.substring(1).toLowerCase(Locale.ROOT);
        switch (body) {
            case "f8": return F64;
            case "f4": return F32;
            case "f2": return F16;
            case "i8": return I64;
            case "i4": return I32;
            case "i2": return I16;
            case "i1": return I8;
            case "u1": return U8;
            case "b1": return BOOL;
            default: return null;
        }
    }

    public static DType fromNd4j(DataType t) {
        for (DType d : values()) {
            if (d.nd4j == t) return d;
        }
        return null;
    }
}
