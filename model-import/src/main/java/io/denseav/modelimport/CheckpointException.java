package io.denseav.modelimport;

import java.nio.file.Path;

/**
 * The one exception type of the checkpoint readers: the file and what is wrong with it, in one line.
 * Every malformed input (truncated zip, unknown opcode, refused pickle GLOBAL, data outside its storage, ...)
 * surfaces as this type and nothing else.
 */
public class CheckpointException extends RuntimeException {
    private final String file;
    private final String problem;

    public CheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super((file == null ? "" : file + ": ") + problem, cause);
        this.file = file == null ? null : file.toString();
        this.problem = problem;
    }

    /** The checkpoint file this error is about (may be null for in-memory data). */
    public String file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }
}
