package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the photographic wallpapers: the KDE Plasma photographs in {@link #PLASMA_PHOTOS} (the rest of that package
 * is abstract art) and MATE's {@code nature} folder plus its {@code Elephants} photograph. Each wallpaper is one
 * entry, its largest file (by bytes) among its variants.
 */
public final class Wallpapers {
    static final Set<String> PLASMA_PHOTOS = Set.of("Autumn", "BytheWater", "Canopee", "Cascade", "ColorfulCups",
            "DarkestHour", "EveningGlow", "FallenLeaf", "MilkyWay", "Path", "summer_1am");

    /** A wallpaper: its name (unique) and its largest image file. */
    public record Wallpaper(String name, Path file) {
    }

    private Wallpapers() {
    }

    /** The wallpapers under {@code root}, sorted by name. */
    public static List<Wallpaper> scan(Path root) {
        TreeMap<String, Path> best = new TreeMap<>();
        Path plasma = root.resolve("usr/share/wallpapers");
        for (Path p : images(plasma)) {
            Path rel = plasma.relativize(p);
            String name = rel.getName(0).toString();
            if (PLASMA_PHOTOS.contains(name) && rel.toString().contains("/images/")) offer(best, "plasma-" + name, p);
        }
        Path mate = root.resolve("usr/share/backgrounds/mate");
        for (Path p : images(mate)) {
            Path rel = mate.relativize(p);
            String stem = p.getFileName().toString().replaceFirst("(_\\d+x\\d+)?\\.(jpg|jpeg|png)$", "");
            if (rel.getName(0).toString().equals("nature") || stem.equals("Elephants")) offer(best, "mate-" + stem, p);
        }
        List<Wallpaper> out = new ArrayList<>();
        best.forEach((k, v) -> out.add(new Wallpaper(k, v)));
        if (out.isEmpty()) throw new DataException(root, "no photographic wallpapers found");
        return out;
    }

    private static void offer(TreeMap<String, Path> best, String name, Path p) {
        best.merge(name, p, (a, b) -> size(b) > size(a) ? b : a);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<Path> images(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(jpg|jpeg|png)$"))
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list wallpapers: " + e.getMessage(), e);
        }
    }
}
