package io.denseav.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checks every reader makes before decoding, so that a bad path gets the same one-line error everywhere. */
public final class InputFiles {
    private InputFiles() {
    }

    /** Fails with a {@link DataException} unless {@code file} is an existing, readable, non-empty regular file. */
    public static void requireReadable(Path file) {
        if (file == null) throw new IllegalArgumentException("file is null");
        if (Files.isDirectory(file)) throw new DataException(file, "is a directory, not a file");
        if (!Files.exists(file)) throw new DataException(file, "no such file");
        if (!Files.isRegularFile(file)) throw new DataException(file, "not a regular file");
        if (!Files.isReadable(file)) throw new DataException(file, "cannot read file (permission denied)");
        try {
            if (Files.size(file) == 0) throw new DataException(file, "empty file");
        } catch (IOException e) {
            throw new DataException(file, "cannot read file: " + e.getMessage(), e);
        }
    }

    /** The message of a library exception, falling back to its class name. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
