package io.denseav.data.readers;

import java.util.SplittableRandom;

/**
 * Random access to the {@link RawItem}s of a dataset, for training-time augmentation. Every reader of this package
 * offers it. Bad data is handled as in {@link DatasetReader#get(int)}: null (counted in the skip log), or a
 * {@link io.denseav.data.DataException} in strict mode.
 */
public interface RawReader {
    /** The number of items. */
    int size();

    /**
     * Item {@code i} (0 &lt;= i &lt; size()) un-preprocessed, or null if it was skipped as bad data. The reader's own
     * random choices (AudioSet's and a video's frame) are drawn from {@code rnd}, so they can change every epoch.
     */
    RawItem raw(int i, SplittableRandom rnd);

    /** Item {@code i}'s source label (0 = speech, 1 = sound) when the reader knows it without loading, else -1. */
    default int source(int i) {
        return -1;
    }
}
