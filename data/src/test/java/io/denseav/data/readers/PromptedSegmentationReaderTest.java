package io.denseav.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.DataException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ADE20K Speech-/Sound-Prompted layout (reference §7.1). */
class PromptedSegmentationReaderTest {
    @TempDir
    Path tmp;
    Path speech;

    @BeforeEach
    void speechSet() {
        speech = tmp.resolve("ADE20KSpeechPrompted");
        Fixtures.solid(speech.resolve("frames/a/img1.jpg"), 320, 240, 0x804020);
        // left half class 1·256 + 4 (R = 17), right half class 3·256 + 2 (R = 30)
        Fixtures.image(speech.resolve("annotations/a/img1_seg.png"), 320, 240, (x, y) -> x < 160 ? 17 << 16 | 4 << 8 : 30 << 16 | 2 << 8);
        Fixtures.solid(speech.resolve("frames/img2.jpg"), 64, 64, 0x102030);
        Fixtures.solid(speech.resolve("annotations/img2_seg.png"), 32, 64, 0); // size mismatch
        Fixtures.wav(speech.resolve("audio/p1.wav"), 16000, 1600);
        Fixtures.text(speech.resolve(PromptedSegmentationReader.CSV),
                "image_location,ade_class_id,speech_prompt_file,timing\n"
                        + "a/img1.jpg,260,prompts/p1.wav,\"[0.5, 0.9]\"\n"   // ok
                        + "a/img1.jpg,0,prompts/p1.wav,\"[0.5, 0.9]\"\n"     // class 0: dropped silently
                        + "a/img1.jpg,260,prompts/p1.wav,\n"                 // no timing
                        + "a/missing.jpg,260,p1.wav,\"[0, 1]\"\n"            // no frame
                        + "a/img1.jpg,260,p1.wav,\"[1, oops]\"\n"            // bad timing
                        + "img2.jpg,5,p1.wav,\"[0.1, 0.2]\"\n");            // size mismatch at load
    }

    @Test
    void readsSpeechSetWithLabelsAndTiming() {
        ReaderOptions o = ReaderOptions.defaults();
        PromptedSegmentationReader r = new PromptedSegmentationReader(speech, o);
        assertTrue(r.speech());
        assertEquals(2, r.size());
        assertEquals(1, r.droppedBackground());
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FIELD));
        assertEquals(1, o.skipLog().count(SkipLog.MISSING_FILE));
        assertEquals(1, o.skipLog().count(SkipLog.BAD_VALUE));
        assertEquals(260, r.promptClass(0));

        Sample s = r.get(0);
        assertEquals(Sample.SPEECH, s.source());
        assertArrayEquals(new double[] {0.5, 0.9}, s.timing());
        assertArrayEquals(new long[] {3, 224, 224}, s.image().shape());
        assertArrayEquals(new long[] {164200}, s.audio().shape());
        assertArrayEquals(new long[] {164200}, s.audioMask().shape());
        assertEquals(1600, s.audioMask().sumNumber().intValue());
        INDArray l = s.labels();
        assertArrayEquals(new long[] {224, 224}, l.shape());
        // 320x240 → 298x224, crop left rint(37) = 37; PIL nearest source x = floor((x + 37 + 0.5) · 320 / 298)
        int[] got = l.data().asInt();
        for (int x = 0; x < 224; x++) {
            int sx = (int) Math.floor((x + 37 + 0.5) * 320 / 298.0);
            assertEquals(sx < 160 ? 260 : 770, got[100 * 224 + x], "x=" + x);
        }

        assertNull(r.get(1)); // size mismatch
        assertEquals(1, o.skipLog().count(SkipLog.SIZE_MISMATCH));
        assertEquals(4, o.skipLog().total());
    }

    @Test
    void strictModeThrowsNamingTheFile() {
        ReaderOptions strict = ReaderOptions.defaults().withStrict(true);
        DataException e = assertThrows(DataException.class, () -> new PromptedSegmentationReader(speech, strict));
        assertTrue(e.getMessage().contains(PromptedSegmentationReader.CSV), e.getMessage());
        assertTrue(e.getMessage().contains("timing"), e.getMessage());
    }

    @Test
    void strictModeThrowsOnSizeMismatch() {
        Fixtures.text(speech.resolve(PromptedSegmentationReader.CSV),
                "image_location,ade_class_id,speech_prompt_file,timing\nimg2.jpg,5,p1.wav,\"[0.1, 0.2]\"\n");
        PromptedSegmentationReader r = new PromptedSegmentationReader(speech, ReaderOptions.defaults().withStrict(true));
        DataException e = assertThrows(DataException.class, () -> r.get(0));
        assertTrue(e.getMessage().contains("img2_seg.png") && e.getMessage().contains("size mismatch"), e.getMessage());
    }

    @Test
    void readsSoundSet() {
        Path sound = tmp.resolve("ADE20KSoundPrompted");
        Fixtures.solid(sound.resolve("frames/x.jpg"), 224, 224, 0xff0000);
        Fixtures.solid(sound.resolve("annotations/x_seg.png"), 224, 224, 42 << 16 | 9 << 8);
        Fixtures.wav(sound.resolve("audio/dog.wav"), 8000, 400);
        Fixtures.text(sound.resolve(PromptedSegmentationReader.CSV),
                "image_location,ade_class_id,vggsound_file\nx.jpg,1033,vgg/dog.wav\nx.jpg,0,vgg/dog.wav\n");
        PromptedSegmentationReader r = new PromptedSegmentationReader(sound, ReaderOptions.defaults());
        assertFalse(r.speech());
        assertEquals(1, r.size());
        Sample s = r.get(0);
        assertEquals(Sample.SOUND, s.source());
        assertNull(s.timing());
        assertEquals(4 * 256 + 9, s.labels().getInt(0, 0));
        assertEquals(4 * 256 + 9, s.labels().maxNumber().intValue());
        assertEquals(800, s.audioMask().sumNumber().intValue()); // 400 samples at 8 kHz → 800 at 16 kHz

        Batches.Batch b = Batches.of(r, 4).iterator().next();
        assertArrayEquals(new long[] {1, 224, 224}, b.labels().shape());
        assertNull(b.timing());
    }
}
