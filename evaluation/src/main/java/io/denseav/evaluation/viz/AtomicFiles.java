package io.denseav.evaluation.viz;

import io.denseav.data.DataException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes an output file through a temporary file beside it and a rename, so that readers never see half a file. */
final class AtomicFiles {
    /** Writes one file to the path it is given. */
    interface Writer {
        void write(Path tmp) throws Exception;
    }

    private AtomicFiles() {
    }

    /**
     * Runs {@code writer} on a temporary file named like {@code out} (same folder, same extension, so that format
     * guessing by extension still works), then renames it over {@code out}. Any failure is a {@link DataException}
     * naming {@code out}, and the temporary file is removed.
     */
    static void write(Path out, String what, Writer writer) {
        if (out == null) throw new IllegalArgumentException("output path is null");
        Path abs = out.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new DataException(out, "cannot write " + what + ": is a directory");
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + (dot > 0 ? name.substring(0, dot) : name) + ".", ".tmp" + ext);
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (DataException | IllegalArgumentException e) { // already one line / a caller's mistake
            throw e;
        } catch (Exception e) {
            String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            throw new DataException(out, "cannot write " + what + ": " + m, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that is the error to report
                }
            }
        }
    }
}
