package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AudioSet frames + clips (reference §5.5), video folders, and the seeded frame choice. */
class AudioSetAndVideoReaderTest {
    @TempDir
    Path tmp;

    /** Three clips, each with frames 0..2 coloured 40·(k+1) in red; "c" has no frames; "d" has no audio. */
    private Path audioSet() {
        Path root = tmp.resolve("audioset-raw");
        for (String id : new String[] {"a_30.000_40.000", "b_0_10", "e_5.0_15.0"}) {
            for (int k = 0; k < 3; k++) Fixtures.solid(root.resolve("frames/frame_" + k + "/" + id + ".jpg"), 32, 24, (40 * (k + 1)) << 16);
        }
        Fixtures.wav(root.resolve("audio/a_30.000_40.000.mp3.wav"), 16000, 100); // stem "a_30.000_40.000.mp3": no match
        Fixtures.wav(root.resolve("audio/a_30.000_40.000.wav"), 16000, 100);
        Fixtures.wav(root.resolve("audio/b_0_10.flac"), 16000, 100); // a WAV despite the name: any extension
        Fixtures.wav(root.resolve("audio/c_0_10.wav"), 16000, 100);
        Fixtures.wav(root.resolve("audio/e_5.0_15.0.ogg"), 16000, 100);
        Fixtures.text(root.resolve("metadata/segments.csv"), "# header comment\n"
                + "# YTID, start_seconds, end_seconds, positive_labels\n"
                + "a, 30.000, 40.000, \"/m/1,/m/2\"\nb, 0.000, 10.000, \"/m/1\"\nc, 0, 10, \"/m/1\"\n"
                + "d, 0, 10, \"/m/1\"\ne, 5, 15, \"/m/3\"\nf, 5\n");
        return root;
    }

    private static int frameOf(Sample s) {
        for (int k = 0; k < 3; k++) {
            if (Math.abs(s.image().getFloat(0, 5, 5) - Fixtures.red(40 * (k + 1))) < 0.05) return k;
        }
        throw new AssertionError("unknown frame");
    }

    @Test
    void readsAudioSetAndSkipsIncompleteRows() {
        Path root = audioSet();
        ReaderOptions o = ReaderOptions.defaults().withSeed(7);
        AudioSetReader r = new AudioSetReader(root, root.resolve("metadata/segments.csv"), root.resolve("audio"), o);
        assertEquals(3, r.size());
        assertEquals(2, o.skipLog().count(SkipLog.MISSING_FILE)); // c: no frames, d: no audio
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FIELD)); // f: no end
        Sample s = r.get(1);
        assertEquals("b_0_10", s.id());
        assertEquals(Sample.SOUND, s.source());
        assertArrayEquals(new long[] {3, 224, 224}, s.image().shape());
        assertEquals(100, s.audioMask().sumNumber().intValue()); // 100 samples at 16 kHz
        assertEquals("e_5.0_15.0", r.get(2).id()); // CSV "5, 15" matched with one decimal, a WAV named .ogg
        assertEquals("a_30.000_40.000", r.get(0).id());
    }

    @Test
    void frameChoiceIsSeeded() {
        Path root = audioSet();
        Path csv = root.resolve("metadata/segments.csv"), audio = root.resolve("audio");
        AudioSetReader r1 = new AudioSetReader(root, csv, audio, ReaderOptions.defaults().withSeed(3));
        AudioSetReader r2 = new AudioSetReader(root, csv, audio, ReaderOptions.defaults().withSeed(3));
        int[] order = {2, 0, 1};
        for (int i : order) assertEquals(frameOf(r1.get(i)), frameOf(r2.get(i)), "item " + i);
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            AudioSetReader r = new AudioSetReader(root, csv, audio, ReaderOptions.defaults().withSeed(seed));
            int k = frameOf(r.get(0));
            assertEquals(k, frameOf(r.get(0)), "same item, same frame");
            seen.add(k);
        }
        assertEquals(3, seen.size(), "all frames get chosen across seeds");
        assertThrows(DataException.class, () -> new AudioSetReader(root, csv, audio,
                ReaderOptions.defaults().withStrict(true)));
    }

    @Test
    void readsVideoFolderDeterministically() throws Exception {
        Path dir = tmp.resolve("videos");
        Files.createDirectories(dir);
        Files.copy(Fixtures.MP4, dir.resolve("clip.mp4"));
        Fixtures.write(dir.resolve("broken.mkv"), new byte[] {0x1a, 0x45, 1, 2, 3, 4});
        Fixtures.text(dir.resolve("notes.txt"), "ignored");
        ReaderOptions o = ReaderOptions.defaults().withSeed(11);
        VideoFolderReader r = new VideoFolderReader(dir, Sample.SOUND, o);
        assertEquals(2, r.size());
        assertEquals(null, r.get(0)); // broken.mkv
        assertEquals(1, o.skipLog().count(SkipLog.UNREADABLE));
        Sample s = r.get(1);
        assertEquals("clip.mp4", s.id());
        assertEquals(Sample.SOUND, s.source());
        assertArrayEquals(new long[] {3, 224, 224}, s.image().shape());
        assertArrayEquals(new long[] {164200}, s.audio().shape());
        assertTrue(s.audioMask().sumNumber().intValue() > 0);
        Sample again = new VideoFolderReader(dir, Sample.SOUND, ReaderOptions.defaults().withSeed(11)).get(1);
        assertTrue(s.image().equals(again.image()));
        assertTrue(s.audio().equals(again.audio()));
        assertThrows(DataException.class, () -> new VideoFolderReader(dir, 0, ReaderOptions.defaults().withStrict(true)).get(0));
    }
}
