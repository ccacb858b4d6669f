package io.denseav.graphs;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** The threads {@link GraphSession}'s Java kernels split their work over: the caller and one helper per other core. */
final class Parallel {
    static final int THREADS = Runtime.getRuntime().availableProcessors();
    private static final ExecutorService HELPERS = THREADS < 2 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "denseav-kernel");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    /** Runs {@code part} for 0 … parts−1, part 0 on the calling thread, and returns when all are done. */
    static void run(int parts, IntConsumer part) {
        if (HELPERS == null || parts < 2) {
            for (int i = 0; i < parts; i++) part.accept(i);
            return;
        }
        Future<?>[] helpers = new Future<?>[parts - 1];
        for (int i = 1; i < parts; i++) {
            int p = i;
            helpers[i - 1] = HELPERS.submit(() -> part.accept(p));
        }
        RuntimeException failed = null;
        try {
            part.accept(0);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (Future<?> f : helpers) { // wait for every part, even after a failure: they write the same output
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failed == null) failed = new IllegalStateException("a kernel thread failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failed == null) failed = new IllegalStateException("interrupted in a kernel", e);
            }
        }
        if (failed != null) throw failed;
    }
}
