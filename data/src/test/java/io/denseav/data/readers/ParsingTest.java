package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV and JSON parsing and the skip log the readers share. */
class ParsingTest {
    @TempDir
    Path tmp;

    @Test
    void csvHandlesQuotesCrlfAndBlankValues() {
        Path f = Fixtures.text(tmp.resolve("a.csv"), "Image, audio ,timing\r\n\"x,1.jpg\",a.wav,\"[1.5, 2]\"\r\n\r\n"
                + "y.jpg,,\"say \"\"hi\"\"\"\n");
        Csv csv = Csv.read(f, null);
        assertEquals(2, csv.size());
        assertEquals("x,1.jpg", csv.get(0, "image"));
        assertEquals("[1.5, 2]", csv.get(0, "TIMING"));
        assertNull(csv.get(1, "audio"));
        assertEquals("say \"hi\"", csv.get(1, "timing"));
        assertEquals("a.csv:4", csv.where(1));
    }

    @Test
    void csvAcceptsAudioSetCommentHeader() {
        Path f = Fixtures.text(tmp.resolve("seg.csv"), "# Segments csv created Sun Mar  5 10:54:31 2017\n"
                + "# num_ytids=1, num_segs=1\n# YTID, start_seconds, end_seconds, positive_labels\n"
                + "abc, 30.000, 40.000, \"/m/09x0r,/m/05zppz\"\n");
        Csv csv = Csv.read(f, "YTID");
        assertEquals(1, csv.size());
        assertEquals("start_seconds", csv.columnStartingWith("start"));
        assertEquals("30.000", csv.get(0, "start_seconds"));
        assertEquals("/m/09x0r,/m/05zppz", csv.get(0, "positive_labels"));
    }

    @Test
    void jsonParsesNestedValues() {
        Object v = Json.parse("{\"data\": [{\"wav\": \"a\\/b.wav\", \"n\": -1.5e1, \"ok\": true, \"z\": null}]}");
        Map<?, ?> first = (Map<?, ?>) ((List<?>) ((Map<?, ?>) v).get("data")).get(0);
        assertEquals("a/b.wav", first.get("wav"));
        assertEquals(-15.0, first.get("n"));
        assertEquals(Boolean.TRUE, first.get("ok"));
        assertTrue(first.containsKey("z"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
    }

    @Test
    void timingFormats() {
        assertArrayEquals(new double[] {0.25, 0.75}, PromptedSegmentationReader.parseTiming("[0.25, 0.75]"));
        assertArrayEquals(new double[] {1, 2}, PromptedSegmentationReader.parseTiming("{\"start\": 1, \"end\": 2}"));
        assertThrows(IllegalArgumentException.class, () -> PromptedSegmentationReader.parseTiming("[2, 1]"));
        assertThrows(IllegalArgumentException.class, () -> PromptedSegmentationReader.parseTiming("oops"));
    }

    @Test
    void skipLogCountsPerReasonAndSummarises() {
        SkipLog log = new SkipLog();
        assertEquals("No items skipped.", log.summary());
        log.record(SkipLog.MISSING_FILE, Path.of("a.jpg"), "no such file");
        log.record(SkipLog.MISSING_FILE, Path.of("b.jpg"), "no such file");
        log.record(SkipLog.UNREADABLE, Path.of("c.wav"), "corrupt");
        assertEquals(2, log.count(SkipLog.MISSING_FILE));
        assertEquals(3, log.total());
        String s = log.summary();
        assertTrue(s.startsWith("Skipped 3 item(s): "), s);
        assertTrue(s.contains("2 for missing file (e.g. a.jpg: no such file)"), s);
        assertTrue(s.contains("1 for unreadable file"), s);
    }
}
