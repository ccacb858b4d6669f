package io.denseav.evaluation.protocols;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.data.DataException;
import io.denseav.data.readers.Csv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows of an ADE20K speech- or sound-prompted folder (reference §7.1) or of a TuxPaint-AV split, which holds
 * both kinds in one {@code prompted_segmentation.csv}. Per row: {@code image_location}, {@code ade_class_id} (rows
 * with 0 are dropped, as the reference does), and {@code speech_prompt_file} (a speech row, with its word
 * {@code timing} [start, end] in seconds) or {@code vggsound_file} (a sound row); a row's kind is the column
 * that is filled ({@code prompt_kind} "sound" decides if both are). Paths:
 * <ul>
 *   <li>picture: {@code frames/<image_location>} (ADE20K), or {@code <image_location>} under the folder
 *       (TuxPaint-AV writes {@code frames/x.jpg});</li>
 *   <li>class map: {@code seg_location} under the folder when that column exists, else
 *       {@code annotations/<image_location with the extension → _seg.png>};</li>
 *   <li>prompt: {@code audio/<file name>}, or the value under the folder.</li>
 * </ul>
 * Class names come from {@code classes.csv} ({@code id,name}) in the folder or its parent, else from a
 * {@code class_name} column. A missing file or a bad value is a {@link DataException} naming the file (an
 * evaluation never silently drops items).
 */
public final class PromptedSet {
    public static final String CSV = "prompted_segmentation.csv";
    public static final String CLASSES = "classes.csv";

    /** What the prompt is. */
    public enum Kind {
        SPEECH, SOUND;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One prompt ({@code where} = "prompted_segmentation.csv:LINE"): a picture, its class map, the prompt's class
     * and audio, and for speech the word's timing in seconds (null if the row has none).
     */
    public record Item(String where, Path frame, Path annotation, Path audio, int classId, Kind kind, double[] timing) {
    }

    private final Path dir;
    private final List<Item> items;
    private final Map<Integer, String> names;
    private final int droppedBackground;

    private PromptedSet(Path dir, List<Item> items, Map<Integer, String> names, int droppedBackground) {
        this.dir = dir;
        this.items = items;
        this.names = names;
        this.droppedBackground = droppedBackground;
    }

    /** Whether {@code dir} holds a prompted-segmentation CSV. */
    public static boolean isPromptedFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(CSV));
    }

    /** Reads {@code dir/prompted_segmentation.csv}; every referenced file must exist. */
    public static PromptedSet read(Path dir) {
        Path file = dir.resolve(CSV);
        if (!Files.isRegularFile(file)) {
            throw new EvaluationException(dir + ": no " + CSV + " (not an ADE20K-prompted or TuxPaint-AV split folder)");
        }
        Csv csv = Csv.read(file, null);
        boolean speechColumn = csv.has("speech_prompt_file"), soundColumn = csv.has("vggsound_file");
        if (!csv.has("image_location") || !csv.has("ade_class_id") || !(speechColumn || soundColumn)) {
            throw new DataException(file, "header must name image_location, ade_class_id and speech_prompt_file"
                    + " and/or vggsound_file");
        }
        Map<Integer, String> names = new TreeMap<>();
        List<Item> items = new ArrayList<>();
        int dropped = 0;
        for (int r = 0; r < csv.size(); r++) {
            String where = csv.where(r);
            String image = require(csv, r, "image_location", file);
            int cls = parseClass(require(csv, r, "ade_class_id", file), file, where);
            if (cls == 0) {
                dropped++;
                continue;
            }
            String speech = csv.get(r, "speech_prompt_file"), sound = csv.get(r, "vggsound_file");
            if (speech == null && sound == null) {
                throw new DataException(file, "no speech_prompt_file or vggsound_file (" + where + ")");
            }
            Kind kind = speech != null && (sound == null || !"sound".equalsIgnoreCase(csv.get(r, "prompt_kind")))
                    ? Kind.SPEECH : Kind.SOUND;
            String timing = csv.get(r, "timing");
            double[] t = kind == Kind.SPEECH && timing != null ? parseTiming(timing, file, where) : null;
            String name = csv.get(r, "class_name");
            if (name != null) names.putIfAbsent(cls, name);
            Path frame = firstExisting(where, dir.resolve("frames").resolve(image), dir.resolve(image));
            String seg = csv.get(r, "seg_location");
            Path ann = seg != null ? firstExisting(where, dir.resolve(seg))
                    : firstExisting(where, dir.resolve("annotations").resolve(annotationName(image)));
            String prompt = kind == Kind.SPEECH ? speech : sound;
            Path audio = firstExisting(where, dir.resolve("audio").resolve(Path.of(prompt).getFileName().toString()),
                    dir.resolve(prompt));
            items.add(new Item(where, frame, ann, audio, cls, kind, t));
        }
        names.putAll(readClassNames(dir));
        return new PromptedSet(dir, Collections.unmodifiableList(items), names, dropped);
    }

    /** {@code id → name} from {@code classes.csv} in {@code dir} or its parent (empty if there is none). */
    static Map<Integer, String> readClassNames(Path dir) {
        Map<Integer, String> out = new TreeMap<>();
        for (Path d = dir; d != null && out.isEmpty(); d = d == dir ? d.toAbsolutePath().getParent() : null) {
            Path f = d.resolve(CLASSES);
            if (!Files.isRegularFile(f)) continue;
            Csv csv = Csv.read(f, null);
            if (!csv.has("id") || !csv.has("name")) throw new DataException(f, "header must name 'id' and 'name'");
            for (int r = 0; r < csv.size(); r++) {
                String id = csv.get(r, "id"), name = csv.get(r, "name");
                if (id != null && name != null) out.put(parseClass(id, f, csv.where(r)), name);
            }
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    /** Every usable row, in CSV order. */
    public List<Item> items() {
        return items;
    }

    /** The rows of one kind, in CSV order. */
    public List<Item> items(Kind kind) {
        return items.stream().filter(i -> i.kind() == kind).toList();
    }

    /** The kinds present, speech first. */
    public List<Kind> kinds() {
        return java.util.Arrays.stream(Kind.values()).filter(k -> items.stream().anyMatch(i -> i.kind() == k)).toList();
    }

    /** The class's name, or null. */
    public String className(int id) {
        return names.get(id);
    }

    /** Rows with {@code ade_class_id} 0, dropped. */
    public int droppedBackground() {
        return droppedBackground;
    }

    /** {@code a/b.jpg} → {@code a/b_seg.png}. */
    static String annotationName(String imageLocation) {
        int slash = imageLocation.lastIndexOf('/'), dot = imageLocation.lastIndexOf('.');
        return (dot > slash ? imageLocation.substring(0, dot) : imageLocation) + "_seg.png";
    }

    /** {@code [start, end]} or {@code {"start": s, "end": e}} in seconds, 0 ≤ start ≤ end. */
    static double[] parseTiming(String json, Path file, String where) {
        try {
            JsonNode v = new ObjectMapper().readTree(json);
            JsonNode s = v.isArray() && v.size() == 2 ? v.get(0) : v.get("start");
            JsonNode e = v.isArray() && v.size() == 2 ? v.get(1) : v.get("end");
            if (s != null && e != null && s.isNumber() && e.isNumber() && s.asDouble() >= 0 && s.asDouble() <= e.asDouble()) {
                return new double[] {s.asDouble(), e.asDouble()};
            }
        } catch (IOException | RuntimeException ignored) {
            // reported below
        }
        throw new DataException(file, "timing '" + json + "' is not [start, end] in seconds (" + where + ")");
    }

    private static int parseClass(String s, Path file, String where) {
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d == Math.rint(d) && d < Integer.MAX_VALUE) return (int) d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new DataException(file, "class id '" + s + "' is not a non-negative integer (" + where + ")");
    }

    private static String require(Csv csv, int r, String column, Path file) {
        String v = csv.get(r, column);
        if (v == null) throw new DataException(file, "no '" + column + "' (" + csv.where(r) + ")");
        return v;
    }

    /** The first candidate that is a file; else a {@link DataException} naming the first. */
    private static Path firstExisting(String where, Path... candidates) {
        for (Path p : candidates) if (Files.isRegularFile(p)) return p.normalize();
        throw new DataException(candidates[0].normalize(), "no such file (" + where + ")");
    }
}
