package io.denseav.data.train;

import io.denseav.data.readers.Prefetcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One epoch's batches of {@link TrainingSamples}. Iterating starts a {@link Prefetcher} that loads items ahead on the
 * configured threads; it stops when the iteration ends, and {@link #close()} stops any that were left unfinished.
 */
public final class TrainingEpoch implements Iterable<TrainingBatch>, AutoCloseable {
    private final TrainingSamples samples;
    private final int epoch;
    private final int batchSize;
    private final int from;
    private final int to;
    private final int threads;
    private final List<Prefetcher<TrainingSample>> open = new CopyOnWriteArrayList<>();

    /** Positions {@code [from, to)} of the epoch's order, loaded on {@code threads} threads. */
    TrainingEpoch(TrainingSamples samples, int epoch, int batchSize, int from, int to, int threads) {
        this.samples = samples;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.from = from;
        this.to = to;
        this.threads = threads;
    }

    /** The number of batches this epoch yields. */
    public int batches() {
        return (to - from + batchSize - 1) / batchSize;
    }

    @Override
    public Iterator<TrainingBatch> iterator() {
        List<Integer> order = Arrays.stream(samples.order(epoch), from, to).boxed().toList();
        Prefetcher<TrainingSample> items = new Prefetcher<>(order, i -> samples.sample(epoch, i), threads,
                Math.max(2 * batchSize, 2 * threads));
        open.add(items);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (items.hasNext()) return true;
                finish();
                return false;
            }

            @Override
            public TrainingBatch next() {
                if (!hasNext()) throw new NoSuchElementException();
                List<TrainingSample> got = new ArrayList<>(batchSize);
                try {
                    while (got.size() < batchSize && items.hasNext()) got.add(items.next());
                } catch (RuntimeException e) {
                    finish();
                    throw e;
                }
                if (!items.hasNext()) finish();
                return TrainingBatch.stack(got);
            }

            private void finish() {
                items.close();
                open.remove(items);
            }
        };
    }

    /** Stops the background threads of unfinished iterations. */
    @Override
    public void close() {
        for (Prefetcher<TrainingSample> p : open) p.close();
        open.clear();
    }
}
