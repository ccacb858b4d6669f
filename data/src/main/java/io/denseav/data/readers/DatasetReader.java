package io.denseav.data.readers;

/**
 * Random access to the items of a dataset. {@link #get(int)} returns null for an item whose files turn out to be
 * bad when not in strict mode (the reason is counted in the reader's {@link SkipLog}); in strict mode it throws a
 * {@link io.denseav.data.DataException} naming the file. Rows that are bad on their face (missing fields or
 * files) are dropped, and counted, when the reader is built, so {@link #size()} covers only usable rows.
 */
public interface DatasetReader {
    /** The number of items. */
    int size();

    /** Item {@code i} (0 &lt;= i &lt; size()), or null if it was skipped as bad data. */
    Sample get(int i);
}
