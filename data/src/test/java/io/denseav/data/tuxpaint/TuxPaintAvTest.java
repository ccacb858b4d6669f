package io.denseav.data.tuxpaint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The whole pipeline after the download, on a synthetic package root (tiny stamps and wallpapers). */
class TuxPaintAvTest {
    static Path syntheticRoot(Path root) throws Exception {
        Path st = root.resolve("usr/share/tuxpaint/stamps");
        stamp(st.resolve("animals/mammals/dog.png"), 0xFF8B4513, true, false);
        stamp(st.resolve("animals/birds/owl.png"), 0xFFEEEEEE, true, true);
        stamp(st.resolve("animals/birds/hen.png"), 0xFFFFAA00, false, true);
        stamp(st.resolve("hobbies/music/string/violin.png"), 0xFF884400, true, false);
        stamp(st.resolve("food/fruit/cartoon/apple.png"), 0xFFFF0000, true, true);   // cartoon: dropped
        stamp(st.resolve("symbols/math/plus.png"), 0xFF000000, true, false);         // symbols: dropped
        stamp(st.resolve("animals/fish/nosound.png"), 0xFF0000FF, false, false);     // no prompt: dropped
        Path bg = root.resolve("usr/share/backgrounds/mate/nature");
        Files.createDirectories(bg);
        for (int i = 0; i < 6; i++) ImageIO.write(gradient(120 + 10 * i, 90, i), "jpg", bg.resolve("Wall" + i + ".jpg").toFile());
        ImageIO.write(gradient(60, 40, 9), "jpg", root.resolve("usr/share/backgrounds/mate/nature/Wall0_60x40.jpg").toFile());
        Path abs = root.resolve("usr/share/backgrounds/mate/abstract");
        Files.createDirectories(abs);
        ImageIO.write(gradient(100, 100, 7), "png", abs.resolve("Waves.png").toFile());              // abstract: dropped
        return root;
    }

    static BufferedImage gradient(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 2 + seed * 30) % 256 << 16 | (y * 2) % 256 << 8 | seed * 40);
        return img;
    }

    static void stamp(Path png, int argb, boolean sound, boolean speech) throws Exception {
        Files.createDirectories(png.getParent());
        BufferedImage img = new BufferedImage(30, 40, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 30; x++) {
            double dx = (x - 14.5) / 15, dy = (y - 19.5) / 20;
            if (dx * dx + dy * dy <= 1) img.setRGB(x, y, argb);
        }
        ImageIO.write(img, "png", png.toFile());
        String stem = png.getFileName().toString().replace(".png", "");
        if (sound) Files.write(png.resolveSibling(stem + ".ogg"), ("fake sound " + stem).getBytes());
        if (speech) Files.write(png.resolveSibling(stem + "_desc.ogg"), ("fake speech " + stem).getBytes());
    }

    static TuxPaintAv.Options opts() {
        return new TuxPaintAv.Options(new int[]{6, 3, 3}, 64, null, false);
    }

    @Test
    void stampRuleKeepsPhotoStampsWithPrompts(@TempDir Path dir) throws Exception {
        List<Stamp> stamps = StampCatalog.scan(syntheticRoot(dir));
        assertEquals(List.of("dog", "hen", "owl", "violin"), stamps.stream().map(Stamp::key).sorted().toList());
        Stamp owl = stamps.stream().filter(s -> s.key().equals("owl")).findFirst().orElseThrow();
        assertNotNull(owl.sound());
        assertNotNull(owl.speech());
        assertEquals("pig golden", StampCatalog.className("pig_golden2"));
        List<Wallpapers.Wallpaper> walls = Wallpapers.scan(dir);
        assertEquals(6, walls.size());
        assertTrue(walls.get(0).file().getFileName().toString().equals("Wall0.jpg"), "largest variant kept");
    }

    @Test
    void buildsAdeLayoutDeterministicallyWithDisjointSplits(@TempDir Path dir) throws Exception {
        Path root = syntheticRoot(dir.resolve("root"));
        TuxPaintAv.Summary s1 = TuxPaintAv.buildFromRoot(root, dir.resolve("a"), 42, opts(), (st, d, t) -> { });
        TuxPaintAv.buildFromRoot(root, dir.resolve("b"), 42, opts(), (st, d, t) -> { });
        assertEquals(4, s1.classes());
        assertEquals(files(dir.resolve("a")), files(dir.resolve("b")));
        for (String f : files(dir.resolve("a")).keySet()) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        Set<String> seen = new HashSet<>();
        for (List<String> ws : s1.wallpapers().values()) for (String w : ws) assertTrue(seen.add(w), "wallpaper in two splits: " + w);
        assertEquals(6, seen.size());

        Path out = dir.resolve("a");
        Map<Integer, String> classes = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("classes.csv")).subList(1, 5)) {
            String[] c = line.split(",");
            classes.put(Integer.parseInt(c[0]), c[1]);
        }
        for (String split : TuxPaintAv.SPLITS) {
            List<String> rows = Files.readAllLines(out.resolve(split).resolve("prompted_segmentation.csv"));
            assertTrue(rows.get(0).startsWith("image_location,seg_location,ade_class_id,class_name,speech_prompt_file,vggsound_file,timing,prompt_kind"));
            assertTrue(rows.size() > 1);
            for (String row : rows.subList(1, rows.size())) {
                String[] c = row.split(",");
                assertTrue(c[0].startsWith("frames/" + split + "_"));
                String bgName = row.substring(row.lastIndexOf("mate-")).split(",")[0];
                assertTrue(s1.wallpapers().get(split).contains(bgName), bgName + " not in " + split);
                int id = Integer.parseInt(c[2]);
                assertEquals(classes.get(id), c[3]);
                int[] labels = SegLabels.decode(ImageIO.read(out.resolve(split).resolve(c[1]).toFile()));
                assertTrue(Arrays.stream(labels).anyMatch(l -> l == id), "target class visible in " + c[1]);
                assertTrue(Arrays.stream(labels).allMatch(l -> l == 0 || classes.containsKey(l)));
                String audio = c[7].equals("sound") ? c[5] : c[4];
                assertTrue(Files.isRegularFile(out.resolve(split).resolve(audio)), audio);
            }
            BufferedImage frame = ImageIO.read(out.resolve(split).resolve("frames/" + split + "_00000.jpg").toFile());
            assertEquals(64, frame.getWidth());
        }
        List<String> pairs = Files.readAllLines(out.resolve("pairs.csv"));
        assertEquals("image,audio,label,split", pairs.get(0));
        assertTrue(Files.readString(out.resolve("LICENSE-ATTRIBUTION.txt")).contains("GPL-2"));

        TuxPaintAv.buildFromRoot(root, dir.resolve("c"), 43, opts(), (st, d, t) -> { });
        assertFalse(Arrays.equals(Files.readAllBytes(out.resolve("train/frames/train_00000.jpg")),
                Files.readAllBytes(dir.resolve("c/train/frames/train_00000.jpg"))), "another seed, another picture");
    }

    static Map<String, Long> files(Path dir) throws Exception {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(dir.relativize(p).toString(), Files.size(p));
        }
        return m;
    }
}
