package io.denseav.data.readers;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts skipped rows and items per reason and logs a warning for the first few of each reason. Thread-safe.
 * Reasons used by the readers are the constants below.
 */
public final class SkipLog {
    public static final String MISSING_FIELD = "missing field";
    public static final String MISSING_FILE = "missing file";
    public static final String UNREADABLE = "unreadable file";
    public static final String SIZE_MISMATCH = "size mismatch";
    public static final String BAD_VALUE = "bad value";

    private static final Logger LOG = LoggerFactory.getLogger(SkipLog.class);
    private static final int WARNINGS_PER_REASON = 5;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, String> examples = new TreeMap<>();

    /** Counts one skipped item. */
    public synchronized void record(String reason, Path file, String detail) {
        int n = counts.merge(reason, 1, Integer::sum);
        String what = (file == null ? "" : file + ": ") + (detail == null ? reason : detail);
        examples.putIfAbsent(reason, what);
        if (n <= WARNINGS_PER_REASON) LOG.warn("skipped ({}): {}", reason, what);
    }

    /** How many items were skipped for {@code reason}. */
    public synchronized int count(String reason) {
        return counts.getOrDefault(reason, 0);
    }

    /** How many items were skipped in all. */
    public synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A copy of the counts per reason. */
    public synchronized Map<String, Integer> counts() {
        return new TreeMap<>(counts);
    }

    /** One paragraph: the total, then each reason with its count and first example. */
    public synchronized String summary() {
        if (counts.isEmpty()) return "No items skipped.";
        StringBuilder sb = new StringBuilder("Skipped ").append(total()).append(" item(s): ");
        String sep = "";
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            sb.append(sep).append(e.getValue()).append(" for ").append(e.getKey())
                    .append(" (e.g. ").append(examples.get(e.getKey())).append(')');
            sep = "; ";
        }
        return sb.append('.').toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
