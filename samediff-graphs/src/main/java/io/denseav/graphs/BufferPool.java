package io.denseav.graphs;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An inference session's activation memory: released buffers are kept by (data type, length) and handed out again
 * for any shape of that length. M2.1's ArrayCacheMemoryMgr keys its cache by the exact shape, so [16,512,64],
 * [512,1024] and [1,512,1024] each keep their own buffers, and HuBERT-Large's session ended up holding 0.47 GB.
 * Release follows M2.1's rules: a buffer another array still uses is closed, not kept; one that is not closeable
 * (a view) is left to the GC.
 */
final class BufferPool extends AbstractMemoryMgr {
    private final Map<DataType, Map<Long, ArrayDeque<DataBuffer>>> free = new HashMap<>();
    private final long maxBytes;
    private long pooledBytes;

    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        ArrayDeque<DataBuffer> q = free.getOrDefault(dataType, Map.of()).get(n);
        if (q == null || q.isEmpty() || n == 0) return Nd4j.createUninitializedDetached(dataType, shape);
        DataBuffer b = q.pop();
        pooledBytes -= n * dataType.width();
        return Nd4j.create(b, shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) return Nd4j.create(descriptor).detach();
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public void release(INDArray arr) {
        DataBuffer b = arr.data();
        if (b == null || Nd4j.getExecutioner().useCount(b) > 1) { // shared: freed now, never handed out again
            if (arr.closeable()) arr.close();
            return;
        }
        boolean poolable = arr.closeable() && !arr.isView() && b.length() == arr.length() && !arr.isEmpty()
                && arr.dataType() != DataType.UTF8;
        if (!poolable) return; // left to the GC
        long bytes = b.length() * arr.dataType().width();
        if (pooledBytes + bytes > maxBytes) {
            arr.close();
            return;
        }
        free.computeIfAbsent(arr.dataType(), k -> new HashMap<>()).computeIfAbsent(b.length(), k -> new ArrayDeque<>()).push(b);
        pooledBytes += bytes;
    }

    /** Bytes held for reuse. */
    long pooledBytes() {
        return pooledBytes;
    }

    @Override
    public void close() {
        free.values().forEach(m -> m.values().forEach(q -> q.forEach(DataBuffer::close)));
        free.clear();
        pooledBytes = 0;
    }
}
