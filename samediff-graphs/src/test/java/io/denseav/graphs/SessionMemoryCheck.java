package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.nd4j.autodiff.samediff.InferenceFactory;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A tiny DenseAV under a session memory manager computes the floats of M2.1's default sessions, call after call. */
final class SessionMemoryCheck {
    private SessionMemoryCheck() {
    }

    /**
     * Runs the image and audio paths three times after {@code bind} (a {@code Graphs} binding) and compares each call
     * with a model run under M2.1's activation cache ({@link Graphs#fastKernels}: the same op kernels);
     * {@code held} must then report memory kept for the next call.
     */
    static void sameFloatsOverThreeCalls(Runnable bind, ToLongFunction<SessionMemMgr> held) {
        VitConfig vit = new VitConfig(32, 2, 2, 8, 128, 1e-6, 4.0);
        DenseAvConfig c = new DenseAvConfig(vit, GraphShapesTest.tinyHubert(true), 16, 2, 2, false, true, "max_elementwise");
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        INDArray audio = Nd4j.randn(DataType.FLOAT, 1, 4000);
        INDArray[] want = valueWithSetting(Graphs::fastKernels, () -> {
            try (DenseAv m = DenseAv.random(c, 5)) {
                return new INDArray[] {m.imageFeatures(image).dup(), m.audioFeatures(audio).dup()};
            }
        });
        withSetting(bind, () -> {
            try (DenseAv m = DenseAv.random(c, 5)) {
                for (int call = 0; call < 3; call++) {
                    assertArrayEquals(floats(want[0]), floats(m.imageFeatures(image)), "image features, call " + call);
                    assertArrayEquals(floats(want[1]), floats(m.audioFeatures(audio)), "audio features, call " + call);
                }
                long bytes = 0;
                for (SameDiff g : m.graphs())
                    for (var session : g.getSessions().values()) bytes += held.applyAsLong(session.getMmgr());
                assertTrue(bytes > 0, "the sessions hold memory for the next call");
            }
        });
    }

    /** Runs {@code body} under {@code bind} (a {@code Graphs} session setting), then rebinds the factory bound before. */
    static void withSetting(Runnable bind, Runnable body) {
        valueWithSetting(bind, () -> {
            body.run();
            return null;
        });
    }

    /** {@link #withSetting} for a body with a result. */
    static <T> T valueWithSetting(Runnable bind, Supplier<T> body) {
        InferenceFactory before = SameDiff.getInferenceFactory();
        try {
            bind.run();
            return body.get();
        } finally {
            SameDiff.bindInferenceFactory(before);
        }
    }

    static float[] floats(INDArray a) {
        return a.dup().data().asFloat();
    }
}
