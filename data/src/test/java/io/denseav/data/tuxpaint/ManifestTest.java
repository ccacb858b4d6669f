package io.denseav.data.tuxpaint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ManifestTest {
    @Test
    void quotesWhatNeedsIt(@TempDir Path dir) throws Exception {
        Manifest m = new Manifest("a", "timing", "c");
        m.add("x", "[0.100,0.500]", null);
        m.add("say \"hi\"", 3, "plain");
        m.write(dir.resolve("t.csv"));
        assertEquals("a,timing,c\nx,\"[0.100,0.500]\",\n\"say \"\"hi\"\"\",3,plain\n", Files.readString(dir.resolve("t.csv")));
        assertThrows(IllegalArgumentException.class, () -> m.add("only one"));
    }
}
