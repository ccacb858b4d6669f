package io.denseav.data.tuxpaint;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Builds a tiny TuxPaint-AV (5 compositions per split) from the real Debian packages: apt-get download (about 300 MB,
 * cached in {@code target/tuxpaint-cache}), dpkg -x, composite, prompts. Skipped where apt-get/dpkg are missing.
 */
class TuxPaintAvIntegrationTest {
    @Test
    void buildsFromRealPackages() throws Exception {
        Assumptions.assumeTrue(DebianPackages.available(),
                "apt-get and dpkg are not on PATH: cannot fetch tuxpaint-stamps-default and the wallpaper packages");
        Path out = Path.of("target", "tuxpaint-av-it");
        if (Files.exists(out)) try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        TuxPaintAv.Options opts = new TuxPaintAv.Options(new int[]{5, 5, 5}, 256, Path.of("target", "tuxpaint-cache"), true);
        long t0 = System.nanoTime();
        TuxPaintAv.Summary s = TuxPaintAv.build(out, 0, opts, (stage, done, total) -> { });
        double secs = (System.nanoTime() - t0) / 1e9;
        long bytes;
        try (Stream<Path> st = Files.walk(out)) {
            bytes = st.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("TuxPaint-AV: %.1f s, %d bytes, %d classes, prompts %s, wallpapers %s%n",
                secs, bytes, s.classes(), s.prompts(), s.wallpapers());
        assertTrue(s.classes() >= 80, "classes: " + s.classes());
        for (String split : TuxPaintAv.SPLITS) {
            List<String> rows = Files.readAllLines(out.resolve(split).resolve("prompted_segmentation.csv"));
            assertTrue(rows.size() >= 6, split + " rows " + rows.size());
            assertEquals(5, Files.list(out.resolve(split).resolve("frames")).count());
        }
        assertTrue(Files.readString(out.resolve("LICENSE-ATTRIBUTION.txt")).contains("GPL"));
    }
}
