package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.denseav.data.DataException;
import io.denseav.data.Resampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw items for training: pictures at their own size, unpadded 16 kHz clips, choices from the caller's random source. */
class RawReaderTest {
    @TempDir
    Path tmp;

    @Test
    void placesAndManifestGiveUnpreprocessedItems() {
        Path root = tmp.resolve("PlacesAudio_400k_distro");
        Fixtures.solid(tmp.resolve("places_subset/a/x.png"), 300, 200, 0x400000);
        Fixtures.wav(root.resolve("wavs/1.wav"), 22050, 2205);
        Fixtures.text(root.resolve("metadata/train.json"), "{\"data\": [{\"wav\": \"wavs/1.wav\", \"image\": \"a/x.png\"}]}");
        RawItem p = new PlacesAudioReader(root, "train", ReaderOptions.defaults()).raw(0, new SplittableRandom(0));
        assertEquals(300, p.image().width());
        assertEquals(200, p.image().height());
        assertEquals(0x40, p.image().get(7, 9, 0));
        assertEquals(Resampler.of(22050, 16000).outputLength(2205), p.audio().length);
        assertEquals(Sample.SPEECH, p.source());
        assertEquals("wavs/1.wav", p.id());

        Fixtures.write(tmp.resolve("broken.png"), new byte[] {1, 2, 3});
        Path csv = Fixtures.text(tmp.resolve("m.csv"), "image,audio,label\n"
                + "places_subset/a/x.png,PlacesAudio_400k_distro/wavs/1.wav,1\n"
                + "broken.png,PlacesAudio_400k_distro/wavs/1.wav,0\n");
        ReaderOptions o = ReaderOptions.defaults();
        ManifestReader m = new ManifestReader(csv, Sample.SPEECH, o);
        RawItem first = m.raw(0, new SplittableRandom(0));
        assertEquals(Sample.SOUND, first.source());
        assertArrayEquals(p.audio(), first.audio());
        assertNull(m.raw(1, new SplittableRandom(0)), "bad data is skipped as in get()");
        assertEquals(1, o.skipLog().count(SkipLog.UNREADABLE));
        ManifestReader strict = new ManifestReader(csv, Sample.SPEECH, ReaderOptions.defaults().withStrict(true));
        assertThrows(DataException.class, () -> strict.raw(1, new SplittableRandom(0)));
    }

    @Test
    void audioSetDrawsItsFrameFromTheGivenRandomSource() {
        Path root = tmp.resolve("audioset-raw");
        for (int k = 0; k < 3; k++) {
            Fixtures.solid(root.resolve("frames/frame_" + k + "/a_0_10.jpg"), 32, 24, (40 * (k + 1)) << 16);
        }
        Fixtures.wav(root.resolve("audio/a_0_10.wav"), 16000, 500);
        Fixtures.text(root.resolve("metadata/segments.csv"), "YTID, start_seconds, end_seconds\na, 0, 10\n");
        AudioSetReader r = new AudioSetReader(root, root.resolve("metadata/segments.csv"), root.resolve("audio"),
                ReaderOptions.defaults());
        Set<Integer> frames = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            RawItem a = r.raw(0, new SplittableRandom(seed));
            assertEquals(a.image().get(5, 5, 0), r.raw(0, new SplittableRandom(seed)).image().get(5, 5, 0),
                    "same source, same frame");
            assertEquals(32, a.image().width());
            assertEquals(500, a.audio().length);
            assertEquals(Sample.SOUND, a.source());
            frames.add((a.image().get(5, 5, 0) + 20) / 40);
        }
        assertEquals(Set.of(1, 2, 3), frames, "every frame gets drawn");
    }

    @Test
    void videoFolderGivesAFrameAndThe16kHzTrack() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("videos"));
        Files.copy(Fixtures.MP4, dir.resolve("clip.mp4"));
        VideoFolderReader r = new VideoFolderReader(dir, Sample.SOUND, ReaderOptions.defaults());
        RawItem v = r.raw(0, new SplittableRandom(1));
        Sample s = r.get(0);
        assertEquals("clip.mp4", v.id());
        assertEquals(s.audioMask().sumNumber().intValue(), Math.min(v.audio().length, 164_200), "the same clip, unpadded");
        assertEquals(Sample.SOUND, v.source());
    }
}
