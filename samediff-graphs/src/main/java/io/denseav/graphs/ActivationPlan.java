package io.denseav.graphs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An inference session's activation memory laid out ahead of time, as ONNX Runtime and TFLite plan theirs. A graph
 * run with inputs of one shape asks for the same buffers in the same order every time. The first run is recorded
 * (served by a {@link BufferPool}): when each activation is allocated and released. From the second run on, every
 * activation that was released in the recording gets a fixed place in one slab per data type, places shared by
 * activations whose lifetimes do not overlap (greedy, largest first). The slab holds the largest set of activations
 * alive at once, not every length ever used: 95 MB for HuBERT-Large on a 10 s clip, where the pool held 0.34 GB.
 *
 * <p>Safety: a place is handed out only when every activation planned to overlap it has been released in this run;
 * otherwise, and for any request that differs from the recording (another input shape), the activation gets fresh
 * memory and the next run is recorded again. Activations never released in the recording (the run's outputs) and
 * those another array still used at release (views) always get fresh memory.
 */
final class ActivationPlan extends ActivationMemory {
    private static final long ALIGN = 16; // elements: 64-byte places for float vector loads

    /** One allocation of the recorded run: {@code [start, end)} in release/allocate events; end −1: never released. */
    private static final class Slot {
        final DataType type;
        final long length;
        final int start;
        int end = -1;
        boolean planned;
        long offset;

        Slot(DataType type, long length, int start) {
            this.type = type;
            this.length = length;
            this.start = start;
        }

        long size() {
            return (length + ALIGN - 1) / ALIGN * ALIGN;
        }
    }

    private final BufferPool pool;
    private List<Slot> slots = new ArrayList<>();
    private final Map<DataType, DataBuffer> slabs = new HashMap<>();
    private final IdentityHashMap<INDArray, Integer> handedOut = new IdentityHashMap<>();
    private boolean recording = true;
    private boolean recorded;     // a complete recording waits to be planned at the next run
    private boolean valid = true; // this run still follows the recording
    private int next;             // index of the next allocation in this run
    private int event;
    private final List<Slot> alive = new ArrayList<>(); // planned places in use in this run

    ActivationPlan(long poolBytes) {
        pool = new BufferPool(poolBytes);
    }

    /** Called before each run of the session: a recording is planned once a second run comes. */
    void beginRun() {
        if (recorded) {
            plan();
            pool.close();
            recording = recorded = false;
        }
        next = 0;
        event = 0;
        valid = true;
        handedOut.clear();
        alive.clear();
        if (recording) slots = new ArrayList<>();
    }

    /** Called after each run ({@code ok}: it completed). */
    void endRun(boolean ok) {
        if (recording) {
            recorded = ok && valid && !slots.isEmpty();
        } else if (!ok || !valid || next != slots.size()) {
            recording = true; // the run left the plan: record the next one
            slabs.values().forEach(DataBuffer::close);
            slabs.clear();
        }
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        long n = length(shape);
        int k = next++;
        event++;
        if (recording) {
            INDArray a = pool.allocate(detached, dataType, shape);
            if (valid && n > 0) {
                slots.add(new Slot(dataType, n, event));
                handedOut.put(a, k);
            } else {
                valid = false;
            }
            return a;
        }
        Slot s = k < slots.size() ? slots.get(k) : null;
        if (s == null || s.type != dataType || s.length != n) valid = false;
        boolean placed = valid && s.planned;
        if (placed && !free(s)) valid = placed = false; // order changed: never hand out a place still in use
        if (!placed) return Nd4j.createUninitializedDetached(dataType, shape);
        INDArray a = Nd4j.create(Nd4j.createBuffer(slabs.get(dataType), s.offset, n), shape);
        handedOut.put(a, k);
        alive.add(s);
        return a;
    }

    /** True if no planned place in use overlaps {@code s}'s. */
    private boolean free(Slot s) {
        for (Slot o : alive) {
            if (o.type == s.type && o.offset < s.offset + s.size() && s.offset < o.offset + o.size()) return false;
        }
        return true;
    }

    @Override
    public void release(INDArray arr) {
        event++;
        Integer k = handedOut.remove(arr);
        if (recording) {
            if (k != null) {
                Slot s = slots.get(k);
                s.end = event;
                // another array still reads this memory: it must never be reused while that one lives
                boolean shared = Nd4j.getExecutioner().useCount(arr.data()) > 1 || arr.isView();
                if (shared || arr.dataType() == DataType.UTF8) s.end = Integer.MAX_VALUE;
            }
            pool.release(arr);
        } else if (k != null) {
            alive.remove(slots.get(k)); // its place is free; the slab keeps the memory
        } else if (arr.closeable() && !arr.isView()) {
            arr.close();
        }
    }

    /** Places every released slot in its type's slab, largest first, at the lowest offset free for its lifetime. */
    private void plan() {
        List<Slot> order = new ArrayList<>();
        for (Slot s : slots) {
            s.planned = s.end >= 0 && s.end != Integer.MAX_VALUE;
            if (s.planned) order.add(s);
        }
        order.sort((a, b) -> Long.compare(b.size(), a.size()));
        Map<DataType, List<Slot>> placed = new HashMap<>();
        Map<DataType, Long> extent = new HashMap<>();
        long[] clash = new long[16];
        for (Slot s : order) {
            List<Slot> here = placed.computeIfAbsent(s.type, t -> new ArrayList<>());
            int m = 0;
            for (Slot o : here) {
                if (o.start >= s.end || s.start >= o.end) continue; // never alive together
                if (2 * m + 2 > clash.length) clash = java.util.Arrays.copyOf(clash, 2 * clash.length);
                clash[2 * m] = o.offset;
                clash[2 * m + 1] = o.offset + o.size();
                m++;
            }
            sortPairs(clash, m);
            long offset = 0;
            for (int i = 0; i < m && offset + s.size() > clash[2 * i]; i++) offset = Math.max(offset, clash[2 * i + 1]);
            s.offset = offset;
            here.add(s);
            extent.merge(s.type, offset + s.size(), Math::max);
        }
        extent.forEach((type, len) -> slabs.put(type, Nd4j.createUninitializedDetached(type, len).data()));
    }

    /** Sorts the first {@code m} (start, end) pairs of {@code a} by start. */
    private static void sortPairs(long[] a, int m) {
        for (int i = 1; i < m; i++) {
            long lo = a[2 * i];
            long hi = a[2 * i + 1];
            int j = i - 1;
            for (; j >= 0 && a[2 * j] > lo; j--) {
                a[2 * j + 2] = a[2 * j];
                a[2 * j + 3] = a[2 * j + 1];
            }
            a[2 * j + 2] = lo;
            a[2 * j + 3] = hi;
        }
    }

    /** Bytes in the slabs (0 while recording). */
    long slabBytes() {
        long bytes = 0;
        for (Map.Entry<DataType, DataBuffer> e : slabs.entrySet()) bytes += e.getValue().length() * e.getKey().width();
        return bytes;
    }

    @Override
    public void close() {
        pool.close();
        slabs.values().forEach(DataBuffer::close);
        slabs.clear();
    }
}
