package io.denseav.data.tuxpaint;

import io.denseav.data.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Builds TuxPaint-AV: photographic TuxPaint stamps (alpha = exact mask) pasted onto photographic wallpapers, with
 * sound, human-speech and TTS prompts, in the ADE20K-prompted layout:
 * {@code out/<split>/{frames/<id>.jpg, annotations/<id>_seg.png, audio/*, prompted_segmentation.csv}} plus
 * {@code out/pairs.csv}, {@code out/classes.csv} and {@code out/LICENSE-ATTRIBUTION.txt}. Wallpapers are assigned to
 * exactly one split; every composition is derived from (seed, split, index) only, so a seed gives the same bytes.
 */
public final class TuxPaintAv {
    private static final Logger LOG = LoggerFactory.getLogger(TuxPaintAv.class);
    static final String[] SPLITS = {"train", "val", "test"};

    /**
     * Build options.
     *
     * @param counts   compositions per split, in {@link #SPLITS} order
     * @param side     side of the square frames, pixels
     * @param cacheDir where .deb files and their unpacked root go (null: {@code out/.cache})
     * @param tts      whether to add espeak-ng prompts (skipped with a warning when espeak-ng is unavailable)
     */
    public record Options(int[] counts, int side, Path cacheDir, boolean tts) {
        public static Options defaults() {
            return new Options(new int[]{200, 50, 50}, 256, null, true);
        }

        public Options withCounts(int train, int val, int test) {
            return new Options(new int[]{train, val, test}, side, cacheDir, tts);
        }
    }

    /** Progress callback: stage name, items done, items in the stage. */
    @FunctionalInterface
    public interface Progress {
        void report(String stage, int done, int total);
    }

    /** What was built: classes used, rows per split's CSV, and the wallpapers of each split. */
    public record Summary(int classes, Map<String, Integer> prompts, Map<String, List<String>> wallpapers) {
    }

    private TuxPaintAv() {
    }

    /** Fetches the Debian packages (cached) and builds the set into {@code out}. */
    public static Summary build(Path out, long seed, Options opts, Progress progress) {
        Path cache = opts.cacheDir() != null ? opts.cacheDir() : out.resolve(".cache");
        progress.report("fetch", 0, 1);
        Path root = DebianPackages.fetch(DebianPackages.PACKAGES, cache.resolve("debs"), cache.resolve("root"));
        progress.report("fetch", 1, 1);
        return buildFromRoot(root, out, seed, opts, progress);
    }

    /** Builds the set from an already unpacked package root (see {@link StampCatalog}, {@link Wallpapers}). */
    public static Summary buildFromRoot(Path root, Path out, long seed, Options opts, Progress progress) {
        List<Stamp> stamps = StampCatalog.scan(root);
        if (stamps.isEmpty()) throw new DataException(root, "no photographic stamps with sounds or spoken names");
        Map<String, List<Wallpapers.Wallpaper>> bySplit = assign(Wallpapers.scan(root), seed);
        boolean tts = opts.tts() && SpeechSynth.ensure();
        if (opts.tts() && !tts) LOG.warn("espeak-ng is not available: TTS prompts are skipped");
        Map<Path, BufferedImage> images = new HashMap<>();
        Manifest pairs = new Manifest("image", "audio", "label", "split");
        Map<String, Integer> rowsPerSplit = new LinkedHashMap<>();
        try {
            for (int s = 0; s < SPLITS.length; s++) {
                String split = SPLITS[s];
                Path dir = out.resolve(split);
                for (String sub : new String[]{"frames", "annotations", "audio"}) Files.createDirectories(dir.resolve(sub));
                Manifest csv = new Manifest("image_location", "seg_location", "ade_class_id", "class_name",
                        "speech_prompt_file", "vggsound_file", "timing", "prompt_kind", "background", "stamps");
                List<Wallpapers.Wallpaper> walls = bySplit.get(split);
                int n = opts.counts()[s];
                for (int i = 0; i < n; i++) {
                    SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + s * 1_000_000_007L + i);
                    composeOne(dir, split, String.format("%s_%05d", split, i), stamps, walls, images, rng, opts, tts, csv, pairs);
                    progress.report(split, i + 1, n);
                }
                csv.write(dir.resolve("prompted_segmentation.csv"));
                rowsPerSplit.put(split, csv.size());
            }
            pairs.write(out.resolve("pairs.csv"));
            Manifest classes = new Manifest("id", "name");
            TreeMap<Integer, String> names = new TreeMap<>();
            for (Stamp st : stamps) names.putIfAbsent(st.classId(), st.name());
            names.forEach(classes::add);
            classes.write(out.resolve("classes.csv"));
            Attribution.write(root, out.resolve("LICENSE-ATTRIBUTION.txt"), bySplit);
            Map<String, List<String>> wallNames = new LinkedHashMap<>();
            bySplit.forEach((k, v) -> wallNames.put(k, v.stream().map(Wallpapers.Wallpaper::name).toList()));
            return new Summary(names.size(), rowsPerSplit, wallNames);
        } catch (IOException e) {
            throw new DataException(out, "cannot write TuxPaint-AV: " + e.getMessage(), e);
        }
    }

    /** Wallpapers shuffled by the seed: a fifth (at least one) to test, a fifth to val, the rest to train. */
    static Map<String, List<Wallpapers.Wallpaper>> assign(List<Wallpapers.Wallpaper> walls, long seed) {
        if (walls.size() < 3) throw new DataException(null, "need at least 3 wallpapers for disjoint splits, found " + walls.size());
        List<Wallpapers.Wallpaper> shuffled = new ArrayList<>(walls);
        java.util.Collections.shuffle(shuffled, new Random(seed));
        int k = Math.max(1, walls.size() / 5);
        Map<String, List<Wallpapers.Wallpaper>> m = new LinkedHashMap<>();
        m.put("train", List.copyOf(shuffled.subList(2 * k, shuffled.size())));
        m.put("val", List.copyOf(shuffled.subList(k, 2 * k)));
        m.put("test", List.copyOf(shuffled.subList(0, k)));
        return m;
    }

    private static void composeOne(Path dir, String split, String id, List<Stamp> stamps, List<Wallpapers.Wallpaper> walls,
                                   Map<Path, BufferedImage> images, SplittableRandom rng, Options opts, boolean tts,
                                   Manifest csv, Manifest pairs) throws IOException {
        Wallpapers.Wallpaper wall = walls.get(rng.nextInt(walls.size()));
        BufferedImage wallImg = images.computeIfAbsent(wall.file(), p -> shrink(Images.readArgb(p), 2 * opts.side()));
        BufferedImage bg = Compositor.backgroundCrop(wallImg, opts.side(), rng);
        int k = 1 + rng.nextInt(3);
        List<Stamp> chosen = new ArrayList<>();
        for (int tries = 0; chosen.size() < k && tries < 100; tries++) {
            Stamp c = stamps.get(rng.nextInt(stamps.size()));
            if (chosen.stream().noneMatch(x -> x.classId() == c.classId())) chosen.add(c);
        }
        List<BufferedImage> pics = new ArrayList<>();
        int[] ids = new int[chosen.size()];
        for (int j = 0; j < chosen.size(); j++) {
            pics.add(images.computeIfAbsent(chosen.get(j).png(), p -> shrink(Images.readArgb(p), 2 * opts.side())));
            ids[j] = chosen.get(j).classId();
        }
        Compositor.Composition comp = Compositor.compose(bg, pics, ids, rng);
        List<Integer> visible = new ArrayList<>();
        for (int j = 0; j < chosen.size(); j++) if (comp.placements().get(j).visiblePixels() > 0) visible.add(j);
        Stamp target = chosen.get(visible.isEmpty() ? chosen.size() - 1 : visible.get(rng.nextInt(visible.size())));
        String frame = "frames/" + id + ".jpg", seg = "annotations/" + id + "_seg.png";
        Images.writeJpeg(comp.image(), dir.resolve(frame), 0.95f);
        Images.writePng(SegLabels.encode(comp.labels(), bg.getWidth(), bg.getHeight()), dir.resolve(seg));
        String names = String.join(";", chosen.stream().map(Stamp::name).toList());
        if (target.sound() != null) {
            String a = copy(target.sound(), dir.resolve("audio"));
            csv.add(frame, seg, target.classId(), target.name(), null, a, null, "sound", wall.name(), names);
            pairs.add(split + "/" + frame, split + "/" + a, 1, split);
        }
        if (target.speech() != null) {
            String a = copy(target.speech(), dir.resolve("audio"));
            double len = OggDuration.seconds(target.speech());
            String t = len > 0 ? String.format(java.util.Locale.ROOT, "[0.000,%.3f]", len) : "";
            csv.add(frame, seg, target.classId(), target.name(), a, null, t, "speech", wall.name(), names);
            pairs.add(split + "/" + frame, split + "/" + a, 0, split);
        }
        if (tts) {
            Path wav = dir.resolve("audio").resolve(target.key() + "_tts.wav");
            Path timing = dir.resolve("audio").resolve(target.key() + "_tts.timing");
            String t;
            if (Files.exists(timing)) {
                t = Files.readString(timing);
            } else {
                Path scratch = dir.resolve("audio").resolve(".prefix.wav");
                t = SpeechSynth.json(SpeechSynth.speak(target.name(), wav, scratch));
                Files.deleteIfExists(scratch);
                Files.writeString(timing, t);
            }
            String a = "audio/" + wav.getFileName();
            csv.add(frame, seg, target.classId(), target.name(), a, null, t, "tts", wall.name(), names);
            pairs.add(split + "/" + frame, split + "/" + a, 0, split);
        }
    }

    /** Copies a prompt into {@code audioDir} once; its path relative to the split folder. */
    private static String copy(Path src, Path audioDir) throws IOException {
        Path dst = audioDir.resolve(src.getFileName().toString());
        if (!Files.exists(dst)) Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        return "audio/" + dst.getFileName();
    }

    /** Scales a picture down (never up) so that its shorter side is at most {@code max}. */
    static BufferedImage shrink(BufferedImage img, int max) {
        int m = Math.min(img.getWidth(), img.getHeight());
        if (m <= max) return img;
        double f = (double) max / m;
        return Images.resize(img, Math.max(1, (int) Math.round(img.getWidth() * f)),
                Math.max(1, (int) Math.round(img.getHeight() * f)), img.getColorModel().hasAlpha()
                        ? BufferedImage.TYPE_INT_ARGB_PRE : BufferedImage.TYPE_INT_RGB);
    }
}
