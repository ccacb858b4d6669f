package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Selects the photographic stamps of {@code usr/share/tuxpaint/stamps} that have a sound ({@code <key>.ogg}) and/or
 * an English spoken name ({@code <key>_desc.ogg}).
 * <p>Rule: the stamp's first folder must be one of {@link #KEEP_TOP} (photo cut-outs: animals, music instruments,
 * household objects, food, vehicles, plants) and no folder on its path may be in {@link #DROP} (drawn art such as
 * {@code cartoon}, and symbol-like or themed sets). Classes are numbered 1.. in sorted path order; stems that map to
 * the same name (e.g. {@code pig_golden} and {@code pig_golden2}) share one class.
 */
public final class StampCatalog {
    static final Path STAMPS = Path.of("usr", "share", "tuxpaint", "stamps");
    static final Set<String> KEEP_TOP = Set.of("animals", "hobbies", "household", "food", "vehicles", "plants");
    static final Set<String> DROP = Set.of("cartoon", "symbols", "seasonal", "military", "town", "space", "people",
            "clothes", "medical", "sports", "naturalforces", "alphabets", "faces", "flags", "dinosaur");

    private StampCatalog() {
    }

    /** The kept stamps under {@code root}, sorted by path, with class ids assigned. */
    public static List<Stamp> scan(Path root) {
        Path dir = root.resolve(STAMPS);
        if (!Files.isDirectory(dir)) throw new DataException(dir, "no TuxPaint stamps folder");
        List<Path> pngs;
        try (Stream<Path> s = Files.walk(dir)) {
            pngs = s.filter(p -> p.getFileName().toString().endsWith(".png"))
                    .filter(p -> keep(dir.relativize(p))).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list stamps: " + e.getMessage(), e);
        }
        List<Stamp> out = new ArrayList<>();
        java.util.Map<String, Integer> ids = new java.util.TreeMap<>();
        for (Path png : pngs) {
            String key = png.getFileName().toString().replaceFirst("\\.png$", "");
            Path sound = png.resolveSibling(key + ".ogg"), speech = png.resolveSibling(key + "_desc.ogg");
            if (Files.isRegularFile(sound) || Files.isRegularFile(speech)) ids.putIfAbsent(className(key), 0);
        }
        int next = 1;
        for (var e : ids.entrySet()) e.setValue(next++);
        for (Path png : pngs) {
            String key = png.getFileName().toString().replaceFirst("\\.png$", "");
            Path sound = png.resolveSibling(key + ".ogg"), speech = png.resolveSibling(key + "_desc.ogg");
            boolean hasSound = Files.isRegularFile(sound), hasSpeech = Files.isRegularFile(speech);
            if (!hasSound && !hasSpeech) continue;
            String name = className(key);
            out.add(new Stamp(ids.get(name), name, key, png, hasSound ? sound : null, hasSpeech ? speech : null));
        }
        return out;
    }

    /** Whether a stamp path (relative to the stamps folder) passes the folder rule. */
    static boolean keep(Path rel) {
        if (rel.getNameCount() < 2 || !KEEP_TOP.contains(rel.getName(0).toString())) return false;
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            if (DROP.contains(rel.getName(i).toString().toLowerCase(Locale.ROOT))) return false;
        }
        return true;
    }

    /** "pig_golden2" to "pig golden"; "drum_tomtom_floor" to "drum tomtom floor". */
    static String className(String key) {
        return key.replaceAll("\\d+$", "").replace('_', ' ').strip();
    }
}
