package io.denseav.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.fixtures.GoldenIndex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The preprocessing goldens written by {@code test-fixtures/generate_preprocess.py}, described by its index.json. */
final class Goldens {
    private static final GoldenIndex GOLDENS = GoldenIndex.of("preprocess");

    private Goldens() {
    }

    static JsonNode index() {
        return GOLDENS.index();
    }

    static Path path(String relative) {
        return GOLDENS.path(relative);
    }

    /** The entries of one index list as parameterised-test arguments (label, entry); the label is a field of it. */
    static Stream<Arguments> cases(String key, String labelField) {
        return GOLDENS.cases(key, labelField, Arguments::of);
    }

    /** A float32 .npy golden, flattened. */
    static float[] npy(String relative) {
        return flat(Nd4j.createFromNpyFile(path(relative).toFile()).castTo(DataType.FLOAT));
    }

    /** The elements of an array in C order. */
    static float[] flat(INDArray x) {
        return x.reshape(x.length()).toFloatVector();
    }

    /** A PNG golden through the reader under test (exact for 8-bit RGB PNG). */
    static RgbImage png(String relative) {
        return ImageFiles.read(path(relative));
    }

    /** sha256 of float32 little-endian bytes, as numpy's {@code tobytes()}. */
    static String sha256(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) b.putFloat(v);
        return sha256(b.array());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("length " + a.length + " != " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Largest per-channel difference between two pictures of the same size, in 8-bit levels. */
    static int maxAbsDiff(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new AssertionError(a.width() + "x" + a.height() + " != " + b.width() + "x" + b.height());
        }
        int m = 0;
        for (int i = 0; i < a.rgb().length; i++) m = Math.max(m, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        return m;
    }
}
