package io.denseav.data.train;

import io.denseav.data.readers.RawReader;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Not in the reference: which sources (0 = speech, 1 = sound) the training items come from, by epoch. A curriculum's
 * first epochs visit only one source's items; later epochs can hold one source to a fixed share of the items. From
 * scratch on TuxPaint-AV, sound prompts learn first and spoken names at their natural two thirds undo it (README).
 */
final class SourceSchedule {
    static final SourceSchedule NONE = new SourceSchedule(null, 0, -1, null);

    private final int[] firstItems;
    private final int firstEpochs;
    private final double share;
    private final int[][] bySource; // {other source's items, the shared source's items}

    private SourceSchedule(int[] firstItems, int firstEpochs, double share, int[][] bySource) {
        this.firstItems = firstItems;
        this.firstEpochs = firstEpochs;
        this.share = share;
        this.bySource = bySource;
    }

    /** The first {@code firstEpochs} epochs visit only {@code firstSource}; later, P(shareSource) = share (< 0: off). */
    static SourceSchedule of(RawReader data, int firstSource, int firstEpochs, int shareSource, double share) {
        if (firstEpochs == 0 && share < 0) return NONE;
        int[] first = firstEpochs == 0 ? null : ofSource(data, firstSource);
        if (first != null && first.length == 0) {
            throw new IllegalArgumentException("no item of source " + firstSource
                    + " for the first epochs (the reader must know each item's source)");
        }
        int[][] by = share < 0 ? null : new int[][] {ofSource(data, 1 - shareSource), ofSource(data, shareSource)};
        if (by != null && (by[0].length == 0 || by[1].length == 0)) {
            throw new IllegalArgumentException("a source share needs items of both sources (speech " + ofSource(data, 0).length
                    + ", sound " + ofSource(data, 1).length + "; the reader must know each item's source)");
        }
        return new SourceSchedule(first, firstEpochs, share, by);
    }

    private static int[] ofSource(RawReader r, int source) {
        return IntStream.range(0, r.size()).filter(i -> r.source(i) == source).toArray();
    }

    /** The items epoch {@code epoch} visits, in index order, out of {@code size}. */
    int[] items(int epoch, int size) {
        return epoch < firstEpochs ? firstItems.clone() : IntStream.range(0, size).toArray();
    }

    int epochSize(int epoch, int size) {
        return epoch < firstEpochs ? firstItems.length : size;
    }

    /** The item drawn for {@code item}: itself, or under a share a coin for the source and then any item of it. */
    int draw(int epoch, int item, SplittableRandom rnd) {
        if (bySource == null || epoch < firstEpochs) return item;
        SplittableRandom coin = rnd.split();
        int[] pool = bySource[coin.nextDouble() < share ? 1 : 0];
        return pool[coin.nextInt(pool.length)];
    }
}
