package io.denseav.graphs;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An inference session's activation memory: released buffers are kept by (data type, length) and handed out again
 * for any shape of that length. M2.1's ArrayCacheMemoryMgr keys its cache by the exact shape, so [16,512,64],
 * [512,1024] and [1,512,1024] each keep their own buffers, and HuBERT-Large's session ended up holding 0.47 GB.
 * Release follows M2.1's rules: a buffer another array still uses is closed, not kept; one that is not closeable
 * (a view) is left to the GC.
 *
 * <p>Over its cap the pool frees the buffers of the length asked for least often, not the one just released:
 * HuBERT's conv extractor asks a few times for large buffers of lengths no later op asks for, while the encoder's
 * 24 layers ask for the same lengths again and again; those stay. (Least recently used would free those in turn
 * whenever one layer's lengths exceed the cap: every request would then miss.)
 */
final class BufferPool extends ActivationMemory {
    private record Key(DataType type, long length) {
    }

    /** The free buffers of one (type, length) and how often that length was asked for. */
    private static final class Free {
        final ArrayDeque<DataBuffer> buffers = new ArrayDeque<>();
        long asked;
    }

    private final Map<Key, Free> free = new HashMap<>();
    private final long maxBytes;
    private long pooledBytes;

    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        long n = length(shape);
        if (n == 0) return Nd4j.createUninitializedDetached(dataType, shape);
        Free f = free.computeIfAbsent(new Key(dataType, n), k -> new Free());
        f.asked++;
        if (f.buffers.isEmpty()) return Nd4j.createUninitializedDetached(dataType, shape);
        DataBuffer b = f.buffers.pop();
        pooledBytes -= n * dataType.width();
        return Nd4j.create(b, shape);
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
        if (bytes > maxBytes) {
            arr.close();
            return;
        }
        free.computeIfAbsent(new Key(arr.dataType(), b.length()), k -> new Free()).buffers.push(b);
        pooledBytes += bytes;
        evictOver(maxBytes);
    }

    /** Frees the buffers of the least asked-for lengths until at most {@code cap} bytes are pooled. */
    private void evictOver(long cap) {
        while (pooledBytes > cap) {
            Map.Entry<Key, Free> least = null;
            for (Map.Entry<Key, Free> e : free.entrySet()) {
                if (!e.getValue().buffers.isEmpty() && (least == null || e.getValue().asked < least.getValue().asked)) least = e;
            }
            if (least == null) return;
            least.getValue().buffers.pop().close();
            pooledBytes -= least.getKey().length() * least.getKey().type().width();
        }
    }

    /** Bytes held for reuse. */
    long pooledBytes() {
        return pooledBytes;
    }

    @Override
    public void close() {
        evictOver(0);
    }
}
