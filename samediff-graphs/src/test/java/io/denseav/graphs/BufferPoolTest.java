package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    void pooledSessionsComputeTheSameFloats() { // from the second call on, every activation comes from the pool
        SessionMemoryCheck.sameFloatsOverThreeCalls(() -> Graphs.poolActivations(64L << 20),
                m -> ((BufferPool) m).pooledBytes());
    }
}
