package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A CSV table built row by row: RFC 4180 quoting, {@code \n} line ends, UTF-8. */
public final class Manifest {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Manifest(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; its cells in header order (null is written as an empty cell). */
    public void add(Object... cells) {
        if (cells.length != header.size()) throw new IllegalArgumentException("expected " + header.size() + " cells");
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "" : c.toString());
        rows.add(r);
    }

    public int size() {
        return rows.size();
    }

    /** Writes the table. */
    public void write(Path file) {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (List<String> r : rows) line(sb, r);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file, "cannot write CSV: " + e.getMessage(), e);
        }
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(quote(cells.get(i)));
        }
        sb.append('\n');
    }

    /** A cell, quoted when it holds a comma, quote or line break. */
    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
