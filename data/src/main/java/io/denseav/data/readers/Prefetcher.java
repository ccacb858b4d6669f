package io.denseav.data.readers;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Loads items ahead on background threads so that decoding and augmentation keep the cores busy while the model
 * trains. Order is kept (item k comes out k-th whatever thread loaded it), and each item's randomness comes from its
 * index, so the stream is the same for any number of threads. Closing stops the workers.
 *
 * @param <T> what one index loads to (a Sample, or a whole batch)
 */
public final class Prefetcher<T> implements Iterator<T>, AutoCloseable {
    private final ExecutorService pool;
    private final IntFunction<T> load;
    private final List<Integer> order;
    private final Deque<Future<T>> pending = new ArrayDeque<>();
    private int next;

    /** Loads {@code order} (indices) with {@code load} on {@code threads} threads, {@code ahead} items in flight. */
    public Prefetcher(List<Integer> order, IntFunction<T> load, int threads, int ahead) {
        this.order = List.copyOf(order);
        this.load = load;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "denseav-prefetch");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < Math.max(1, ahead); i++) submit();
    }

    private void submit() {
        if (next < order.size()) {
            int index = order.get(next++);
            pending.add(pool.submit(() -> load.apply(index)));
        }
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty();
    }

    @Override
    public T next() {
        if (pending.isEmpty()) throw new NoSuchElementException();
        Future<T> f = pending.poll();
        submit();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while prefetching", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) throw (RuntimeException) e.getCause();
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
