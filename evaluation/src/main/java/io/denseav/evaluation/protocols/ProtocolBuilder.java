package io.denseav.evaluation.protocols;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What every protocol's builder sets: its data, and how many items it evaluates (the reference's seed-0 permutation
 * subsets). Self-typed, so that a protocol's builder chains its own options after these (DJL's builder style).
 */
public abstract class ProtocolBuilder<B extends ProtocolBuilder<B>> {
    private Path data;
    private Integer subset;
    private boolean atMost;

    ProtocolBuilder() {
    }

    abstract B self();

    /** The protocol's data: its CSV, or the folder holding it (each protocol names the file). Required. */
    public B setData(Path csvOrFolder) {
        this.data = csvOrFolder;
        return self();
    }

    /** Evaluate {@code n} items, chosen as the reference's subsets (seed 0); null: the protocol's default. */
    public B optSubset(Integer n) {
        this.subset = n;
        this.atMost = false;
        return self();
    }

    /** As {@link #optSubset}, but at most {@code n}: all items when there are fewer (validation during training). */
    public B optSubsetAtMost(Integer n) {
        this.subset = n;
        this.atMost = true;
        return self();
    }

    /** The data and subset request, checked. */
    Selection selection() {
        return new Selection(Objects.requireNonNull(data, "data (setData)"), subset, atMost);
    }

    /** A protocol's data and subset request. */
    record Selection(Path data, Integer subset, boolean atMost) {
        /** The indices of the evaluated items out of {@code n} ({@link Subsets#choose}). */
        int[] choose(int n, int fallback, String what) {
            return Subsets.choose(n, subset, atMost, fallback, what);
        }
    }
}
