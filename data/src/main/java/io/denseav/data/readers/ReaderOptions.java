package io.denseav.data.readers;

import io.denseav.data.DataException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What every reader is built with: the seed of all its random choices (each item draws from
 * {@code new SplittableRandom(seed ^ index)}, so results do not depend on the order of access), whether bad data
 * is fatal ({@code strict}) and the {@link SkipLog} that counts what was skipped otherwise.
 */
public record ReaderOptions(long seed, boolean strict, SkipLog skipLog) {
    public ReaderOptions {
        Objects.requireNonNull(skipLog, "skipLog");
    }

    /** Seed 0, lenient, a fresh skip log. */
    public static ReaderOptions defaults() {
        return new ReaderOptions(0, false, new SkipLog());
    }

    public ReaderOptions withSeed(long s) {
        return new ReaderOptions(s, strict, skipLog);
    }

    public ReaderOptions withStrict(boolean on) {
        return new ReaderOptions(seed, on, skipLog);
    }

    /** Bad data: throws a {@link DataException} naming {@code file} if strict, else counts it under {@code reason}. */
    public void reject(String reason, Path file, String detail) {
        if (strict) throw new DataException(file, reason + (detail == null ? "" : ": " + detail));
        skipLog.record(reason, file, detail);
    }

    /** The random source of item {@code index}. */
    public SplittableRandom random(int index) {
        return new SplittableRandom(seed ^ index);
    }
}
