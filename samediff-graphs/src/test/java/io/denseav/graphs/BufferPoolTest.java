package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.InferenceFactory;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link BufferPool}: buffers are reused across shapes of one length, and a pooled session computes the same floats. */
class BufferPoolTest {
    @Test
    void reusesABufferForAnyShapeOfItsLength() {
        try (BufferPool pool = new BufferPool(1 << 20)) {
            INDArray a = pool.allocate(false, DataType.FLOAT, 4, 8, 2);
            long address = a.data().address();
            pool.release(a);
            assertEquals(64 * 4, pool.pooledBytes());
            INDArray b = pool.allocate(false, DataType.FLOAT, 8, 8);
            assertEquals(address, b.data().address(), "the released buffer, reshaped");
            assertEquals(0, pool.pooledBytes());
            INDArray c = pool.allocate(false, DataType.FLOAT, 8, 8);
            assertTrue(c.data().address() != address, "a fresh buffer while the first is in use");
        }
    }

    @Test
    void closesWhatExceedsItsCap() {
        try (BufferPool pool = new BufferPool(100)) {
            INDArray a = pool.allocate(false, DataType.FLOAT, 64);
            pool.release(a);
            assertEquals(0, pool.pooledBytes());
            assertTrue(a.wasClosed(), "256 bytes over a 100-byte cap are freed at once");
        }
    }

    @Test
    void overItsCapFreesTheLengthAskedForLeast() {
        try (BufferPool pool = new BufferPool(600)) {
            for (int i = 0; i < 3; i++) pool.release(pool.allocate(false, DataType.FLOAT, 64)); // asked for 3 times
            INDArray often = pool.allocate(false, DataType.FLOAT, 64);
            INDArray once = pool.allocate(false, DataType.FLOAT, 100);
            pool.release(once);
            pool.release(often); // 400 + 256 bytes > 600: the length asked for once goes
            assertTrue(once.wasClosed(), "the buffer of the length asked for once is freed");
            assertEquals(256, pool.pooledBytes());
            assertEquals(often.data().address(), pool.allocate(false, DataType.FLOAT, 8, 8).data().address(),
                    "the often-asked length stays pooled");
        }
    }

    @Test
    void pooledSessionsComputeTheSameFloats() {
        VitConfig vit = new VitConfig(32, 2, 2, 8, 128, 1e-6, 4.0);
        DenseAvConfig c = new DenseAvConfig(vit, GraphShapesTest.tinyHubert(true), 16, 2, 2, false, true, "max_elementwise");
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        INDArray audio = Nd4j.randn(DataType.FLOAT, 1, 4000);
        INDArray wantImage;
        INDArray wantAudio;
        try (DenseAv m = DenseAv.random(c, 5)) {
            wantImage = m.imageFeatures(image).dup();
            wantAudio = m.audioFeatures(audio).dup();
        }
        InferenceFactory before = SameDiff.getInferenceFactory();
        Graphs.poolActivations(64L << 20);
        try (DenseAv m = DenseAv.random(c, 5)) {
            for (int call = 0; call < 3; call++) { // from the second call on, every activation comes from the pool
                assertArrayEquals(floats(wantImage), floats(m.imageFeatures(image)), "image features, call " + call);
                assertArrayEquals(floats(wantAudio), floats(m.audioFeatures(audio)), "audio features, call " + call);
            }
            long pooled = 0;
            for (SameDiff g : m.graphs())
                for (var session : g.getSessions().values()) pooled += ((BufferPool) session.getMmgr()).pooledBytes();
            assertTrue(pooled > 0, "the sessions hold released activations for the next call");
        } finally {
            SameDiff.bindInferenceFactory(before);
        }
    }

    private static float[] floats(INDArray a) {
        return a.dup().data().asFloat();
    }
}
