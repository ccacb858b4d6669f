package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PlacesAudio metadata JSON (reference §5.5), CSV manifests and batching. */
class PlacesAndManifestReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsPlacesWithSiblingImagesAndBatches() throws Exception {
        Path root = tmp.resolve("PlacesAudio_400k_distro");
        Fixtures.solid(tmp.resolve("places_subset/a/x.jpg"), 300, 200, 0x400000);
        Fixtures.solid(tmp.resolve("places_subset/b/y.png"), 100, 150, 0xc00000);
        Fixtures.wav(root.resolve("wavs/1.wav"), 16000, 3200);
        Fixtures.wav(root.resolve("wavs/2.wav"), 16000, 200_000); // longer than 164200: truncated
        Fixtures.text(root.resolve("metadata/val.json"), "{\"image_base_path\": \"x\", \"data\": ["
                + "{\"wav\": \"wavs/1.wav\", \"image\": \"a/x.jpg\"},"
                + "{\"wav\": \"wavs/2.wav\", \"image\": \"b/y.png\", \"speaker\": \"s\"},"
                + "{\"wav\": \"wavs/3.wav\", \"image\": \"a/x.jpg\"},"
                + "{\"image\": \"a/x.jpg\"}]}");
        long before = Files.walk(tmp).count();
        ReaderOptions o = ReaderOptions.defaults();
        PlacesAudioReader r = new PlacesAudioReader(root, "val", o);
        assertEquals(2, r.size());
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FILE));
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FIELD));

        List<Batches.Batch> batches = new ArrayList<>();
        Batches.of(r, 2, new int[] {1, 0}).forEach(batches::add);
        assertEquals(1, batches.size());
        Batches.Batch b = batches.get(0);
        assertArrayEquals(new long[] {2, 3, 224, 224}, b.images().shape());
        assertArrayEquals(new long[] {2, 164200}, b.audio().shape());
        assertArrayEquals(new long[] {2, 164200}, b.audioMask().shape());
        assertArrayEquals(new long[] {2}, b.source().shape());
        assertArrayEquals(new int[] {0, 0}, b.source().toIntVector());
        assertNull(b.labels());
        assertEquals(164200, b.audioMask().getRow(0).sumNumber().intValue());
        assertEquals(3200, b.audioMask().getRow(1).sumNumber().intValue());
        assertEquals(Fixtures.red(0xc0), b.images().getFloat(0, 0, 10, 10), 1e-6);
        assertEquals("wavs/2.wav", b.samples().get(0).id());
        assertEquals(before, Files.walk(tmp).count(), "readers must not write into the dataset");
    }

    @Test
    void readsManifestAndSkipsBadRows() {
        Fixtures.solid(tmp.resolve("img/a.png"), 50, 40, 0x808080);
        Fixtures.wav(tmp.resolve("snd/a.wav"), 22050, 2205);
        Fixtures.write(tmp.resolve("img/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Path csv = Fixtures.text(tmp.resolve("m.csv"), "image,audio,label\n"
                + "img/a.png,snd/a.wav,1\n"
                + "img/a.png,snd/a.wav,\n"       // default source
                + "img/a.png,,0\n"               // missing audio
                + "img/a.png,snd/a.wav,7\n"      // bad label
                + "img/broken.jpg,snd/a.wav,0\n" // unreadable at load
                + "img/none.png,snd/a.wav,0\n"); // missing file
        ReaderOptions o = ReaderOptions.defaults();
        ManifestReader r = new ManifestReader(csv, Sample.SPEECH, o);
        assertEquals(3, r.size());
        assertEquals(1, r.get(0).source());
        assertEquals(0, r.get(1).source());
        assertNull(r.get(2));
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FIELD));
        assertEquals(1, o.skipLog().count(SkipLog.BAD_VALUE));
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FILE));
        assertEquals(1, o.skipLog().count(SkipLog.UNREADABLE));
        assertTrue(o.skipLog().summary().contains("broken.jpg"), o.skipLog().summary());

        // a batch over all three items keeps the two good ones
        Batches.Batch b = Batches.of(r, 8).iterator().next();
        assertEquals(2, b.size());
        assertArrayEquals(new int[] {1, 0}, b.source().toIntVector());

        ReaderOptions strict = ReaderOptions.defaults().withStrict(true);
        DataException e = assertThrows(DataException.class, () -> new ManifestReader(csv, 0, strict));
        assertTrue(e.getMessage().contains("m.csv"), e.getMessage());
        Path good = Fixtures.text(tmp.resolve("m2.csv"), "audio,image\nsnd/a.wav,img/broken.jpg\n");
        ManifestReader strictReader = new ManifestReader(good, 0, strict);
        DataException e2 = assertThrows(DataException.class, () -> strictReader.get(0));
        assertTrue(e2.getMessage().contains("broken.jpg"), e2.getMessage());
    }

    @Test
    void manifestNeedsHeader() {
        Path csv = Fixtures.text(tmp.resolve("h.csv"), "a.png,a.wav\n");
        assertThrows(DataException.class, () -> new ManifestReader(csv, 0, ReaderOptions.defaults()));
    }

    @Test
    void manifestKeepsOnlyTheAskedSplit() {
        Fixtures.solid(tmp.resolve("a.png"), 20, 20, 0x808080);
        Fixtures.wav(tmp.resolve("a.wav"), 16000, 1600);
        Path csv = Fixtures.text(tmp.resolve("pairs.csv"), "image,audio,label,split\n"
                + "a.png,a.wav,0,train\na.png,a.wav,1,test\na.png,a.wav,1,train\n");
        ManifestReader train = new ManifestReader(csv, 0, "train", ReaderOptions.defaults());
        assertEquals(2, train.size());
        assertEquals(1, train.get(1).source());
        assertEquals(1, new ManifestReader(csv, 0, "test", ReaderOptions.defaults()).size());
        assertEquals(3, new ManifestReader(csv, 0, null, ReaderOptions.defaults()).size());
    }
}
