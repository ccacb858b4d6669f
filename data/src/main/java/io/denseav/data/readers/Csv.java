package io.denseav.data.readers;

import io.denseav.data.DataException;
import io.denseav.data.InputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CSV file as RFC 4180 (quoted fields may hold commas, quotes doubled, CRLF or LF), with a header row. Header
 * names are trimmed and matched case-insensitively; blank lines are ignored. Lines before the header that start
 * with '#' are comments, except that a "# name, name, ..." line is taken as the header when its first name is
 * {@code headerHint} (AudioSet's segment files).
 */
public final class Csv {
    private final Path file;
    private final Map<String, Integer> columns = new HashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    private Csv(Path file) {
        this.file = file;
    }

    /** Reads {@code file}; {@link DataException} if it is unreadable or has no header. */
    public static Csv read(Path file, String headerHint) {
        InputFiles.requireReadable(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file, "cannot read CSV: " + InputFiles.message(e), e);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        Csv csv = new Csv(file);
        boolean header = false;
        int line = 0;
        for (String[] row : parse(text)) {
            line++;
            if (row.length == 1 && row[0].isBlank()) continue;
            if (!header) {
                String first = row[0].strip();
                if (first.startsWith("#")) {
                    String name = first.substring(1).strip();
                    if (headerHint == null || !name.equalsIgnoreCase(headerHint)) continue;
                    row[0] = name;
                }
                for (int i = 0; i < row.length; i++) csv.columns.putIfAbsent(row[i].strip().toLowerCase(Locale.ROOT), i);
                header = true;
            } else if (!row[0].strip().startsWith("#")) {
                csv.rows.add(row);
                csv.lines.add(line);
            }
        }
        if (!header) throw new DataException(file, "no header row");
        return csv;
    }

    public Path file() {
        return file;
    }

    public int size() {
        return rows.size();
    }

    /** Whether the header has {@code name}. */
    public boolean has(String name) {
        return columns.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The first header name starting with {@code prefix}, or null. */
    public String columnStartingWith(String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        return columns.entrySet().stream().filter(e -> e.getKey().startsWith(p))
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** Row {@code r}'s trimmed value in column {@code name}, or null if the column or value is missing or blank. */
    public String get(int r, String name) {
        Integer c = name == null ? null : columns.get(name.toLowerCase(Locale.ROOT));
        String[] row = rows.get(r);
        if (c == null || c >= row.length) return null;
        String v = row[c].strip();
        return v.isEmpty() ? null : v;
    }

    /** "file:line" of row {@code r}, for messages. */
    public String where(int r) {
        return file.getFileName() + ":" + lines.get(r);
    }

    /** Splits CSV text into records. */
    static List<String[]> parse(String text) {
        List<String[]> out = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch != '"') cell.append(ch);
                else if (i + 1 < text.length() && text.charAt(i + 1) == '"') cell.append(text.charAt(++i));
                else quoted = false;
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                row.add(cell.toString());
                cell.setLength(0);
                out.add(row.toArray(new String[0]));
                row.clear();
            } else {
                cell.append(ch);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            out.add(row.toArray(new String[0]));
        }
        return out;
    }
}
