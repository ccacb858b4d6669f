package io.denseav.data;

import java.nio.file.Path;

/**
 * The one exception type of the image and audio readers: the file and what is wrong with it, in one line
 * ({@code "FILE: problem"}). Missing, empty, unreadable, corrupt and unsupported inputs all surface as this type.
 */
public class DataException extends RuntimeException {
    private final String file;
    private final String problem;

    public DataException(Path file, String problem) {
        this(file, problem, null);
    }

    public DataException(Path file, String problem, Throwable cause) {
        super((file == null ? "" : file + ": ") + oneLine(problem), cause);
        this.file = file == null ? null : file.toString();
        this.problem = oneLine(problem);
    }

    /** The file this error is about (null for in-memory data). */
    public String file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }

    /** The first line of a (library) message, so that the whole error stays on one line. */
    static String oneLine(String s) {
        if (s == null) return "unknown error";
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
