package io.denseav.data.readers;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stacks samples into batches: {@code images [B, 3, 224, 224]}, {@code audio} and {@code audioMask}
 * {@code [B, 164200]}, {@code source [B]} (int32), and where every sample has them {@code labels [B, 224, 224]}
 * (int32) and {@code timing [B, 2]} (float64), else null. Items the reader skips (null) are left out, so a batch
 * may hold fewer than {@code batchSize} samples; a batch whose items were all skipped is not produced.
 */
public final class Batches {
    /** One stacked batch and the samples it was made of. */
    public record Batch(INDArray images, INDArray audio, INDArray audioMask, INDArray source, INDArray labels,
                        INDArray timing, List<Sample> samples) {
        public int size() {
            return samples.size();
        }
    }

    private Batches() {
    }

    /** Lazily loads {@code indices} in order, {@code batchSize} at a time. */
    public static Iterable<Batch> of(DatasetReader reader, int batchSize, int[] indices) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size " + batchSize);
        int[] order = indices.clone();
        return () -> new Iterator<>() {
            private int next;
            private Batch pending;

            @Override
            public boolean hasNext() {
                while (pending == null && next < order.length) {
                    List<Sample> got = new ArrayList<>();
                    for (int end = Math.min(order.length, next + batchSize); next < end; next++) {
                        Sample s = reader.get(order[next]);
                        if (s != null) got.add(s);
                    }
                    if (!got.isEmpty()) pending = stack(got);
                }
                return pending != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                Batch b = pending;
                pending = null;
                return b;
            }
        };
    }

    /** All items {@code 0 .. size-1} in order. */
    public static Iterable<Batch> of(DatasetReader reader, int batchSize) {
        int[] all = new int[reader.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return of(reader, batchSize, all);
    }

    /** Stacks non-empty {@code samples}. */
    public static Batch stack(List<Sample> samples) {
        int b = samples.size();
        INDArray[] img = new INDArray[b], au = new INDArray[b], mask = new INDArray[b], lab = new INDArray[b];
        int[] src = new int[b];
        double[][] timing = new double[b][];
        boolean labels = true, timed = true;
        for (int i = 0; i < b; i++) {
            Sample s = samples.get(i);
            img[i] = s.image();
            au[i] = s.audio();
            mask[i] = s.audioMask();
            src[i] = s.source();
            lab[i] = s.labels();
            timing[i] = s.timing();
            labels &= s.labels() != null;
            timed &= s.timing() != null;
        }
        return new Batch(Nd4j.stack(0, img), Nd4j.stack(0, au), Nd4j.stack(0, mask),
                Nd4j.createFromArray(src), labels ? Nd4j.stack(0, lab) : null,
                timed ? Nd4j.create(timing).castTo(DataType.DOUBLE) : null, List.copyOf(samples));
    }
}
