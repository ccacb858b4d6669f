package io.denseav.evaluation.protocols;

import io.denseav.data.DataException;
import io.denseav.data.readers.Csv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pairs manifest: a CSV whose header names {@code image} and {@code audio} (paths relative to the CSV's folder,
 * or absolute), optionally {@code label} (0 = speech, 1 = sound) and {@code split} — the TuxPaint-AV
 * {@code pairs.csv}. Row i's own image and clip are its true pair, even when a picture or a clip appears in
 * several rows. A missing file or a bad label is a {@link DataException} naming it.
 */
public final class PairManifest {
    /** The manifest file looked for in a folder. */
    public static final String FILE = "pairs.csv";

    /** One row: its picture, its clip, its label (-1 if the manifest has none), and "pairs.csv:LINE". */
    public record Pair(Path image, Path audio, int label, String where) {
    }

    private PairManifest() {
    }

    /** {@code data} itself if it is a file, else {@code data/pairs.csv}; an {@link EvaluationException} if neither. */
    public static Path locate(Path data) {
        if (Files.isRegularFile(data)) return data;
        Path f = data.resolve(FILE);
        if (Files.isRegularFile(f)) return f;
        throw new EvaluationException(data + ": not a pairs manifest (a CSV with image,audio[,label][,split] columns,"
                + " or a folder holding " + FILE + ")");
    }

    /** The rows of {@code csvFile} in {@code split} (null: all rows). */
    public static List<Pair> read(Path csvFile, String split) {
        Csv csv = Csv.read(csvFile, null);
        if (!csv.has("image") || !csv.has("audio")) {
            throw new EvaluationException(csvFile + ": not a pairs manifest (the header must name 'image' and 'audio')");
        }
        if (split != null && !csv.has("split")) {
            throw new EvaluationException(csvFile + ": has no 'split' column, so --split " + split + " cannot be applied");
        }
        Path base = csvFile.toAbsolutePath().getParent();
        boolean labelled = csv.has("label");
        List<Pair> out = new ArrayList<>();
        Set<String> splits = new TreeSet<>();
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            if (split != null) {
                String s = csv.get(r, "split");
                if (s != null) splits.add(s);
                if (!split.equals(s)) continue;
            }
            String image = csv.get(r, "image"), audio = csv.get(r, "audio"), label = csv.get(r, "label");
            if (image == null || audio == null) throw new DataException(csvFile, "no image or audio (" + where + ")");
            int source = -1;
            if (labelled) {
                if (!"0".equals(label) && !"1".equals(label)) {
                    throw new DataException(csvFile, "label '" + label + "' is not 0 (speech) or 1 (sound) (" + where + ")");
                }
                source = Integer.parseInt(label);
            }
            out.add(new Pair(existing(base, image, where), existing(base, audio, where), source, where));
        }
        if (split != null && out.isEmpty()) {
            throw new EvaluationException(csvFile + ": no rows in split '" + split + "' (splits: " + splits + ")");
        }
        return out;
    }

    private static Path existing(Path base, String relative, String where) {
        Path p = base.resolve(relative).normalize();
        if (!Files.isRegularFile(p)) throw new DataException(p, "no such file (" + where + ")");
        return p;
    }
}
