package io.denseav.data.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PilBilinear;
import io.denseav.data.RgbImage;
import io.denseav.data.readers.Fixtures;
import io.denseav.data.readers.ManifestReader;
import io.denseav.data.readers.ReaderOptions;
import io.denseav.data.readers.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Training samples (reference §4.2, §5.4, §5.5): shapes, determinism, splice and mixup masks, the filter, mixing. */
class TrainingSamplesTest {
    private static final int L = 164_200;

    @TempDir
    Path tmp;

    /** A manifest {@code name.csv} of {@code n} items with patterned pictures and {@code seconds[k]}-long ramps. */
    private ManifestReader manifest(String name, int source, double... seconds) {
        StringBuilder csv = new StringBuilder("image,audio\n");
        for (int k = 0; k < seconds.length; k++) {
            int c = k;
            Fixtures.image(tmp.resolve(name + "/" + k + ".png"), 64 + 8 * k, 48, (x, y) -> (((x * 4 + c * 60) & 0xFF) << 16)
                    | (((y * 5 + c * 30) & 0xFF) << 8) | ((x * y + c * 90) & 0xFF));
            Fixtures.wav(tmp.resolve(name + "/" + k + ".wav"), 16000, (int) (seconds[k] * 16000));
            csv.append(name).append('/').append(k).append(".png,").append(name).append('/').append(k).append(".wav\n");
        }
        return new ManifestReader(Fixtures.text(tmp.resolve(name + ".csv"), csv.toString()), source,
                ReaderOptions.defaults());
    }

    private static List<TrainingBatch> all(TrainingSamples data, int epoch, int batchSize) {
        List<TrainingBatch> out = new ArrayList<>();
        try (TrainingEpoch e = data.epoch(epoch, batchSize)) {
            for (TrainingBatch b : e) out.add(b);
        }
        return out;
    }

    @Test
    void aSourceFirstCurriculumVisitsOnlyThatSourceInItsFirstEpochs() {
        StringBuilder csv = new StringBuilder("image,audio,label\n");
        for (int k = 0; k < 5; k++) {
            Fixtures.image(tmp.resolve("c/" + k + ".png"), 40, 40, (x, y) -> (x * 5) << 8 | y);
            Fixtures.wav(tmp.resolve("c/" + k + ".wav"), 16000, 16000);
            csv.append("c/").append(k).append(".png,c/").append(k).append(".wav,").append(k % 2 == 0 ? 1 : 0).append('\n');
        }
        ManifestReader r = new ManifestReader(Fixtures.text(tmp.resolve("c.csv"), csv.toString()), Sample.SPEECH,
                ReaderOptions.defaults());
        assertEquals(1, r.source(0));
        assertEquals(0, r.source(1));
        TrainingSamples data = TrainingSamples.builder(r).seed(3).audioSamples(16000).quadMixup(0).sourceFirst(Sample.SOUND, 2)
                .dropLast(true).build();
        for (int epoch = 0; epoch < 2; epoch++) {
            assertEquals(Set.of(0, 2, 4), toSet(data.order(epoch)));
            assertEquals(3, data.epochSize(epoch));
            assertEquals(1, data.batchesIn(epoch, 2));
            for (TrainingBatch b : all(data, epoch, 2)) {
                for (int i = 0; i < b.size(); i++) assertEquals(Sample.SOUND, b.source().getInt(i));
            }
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), toSet(data.order(2)));
        assertEquals(2, data.batchesIn(2, 2));
        assertEquals(2, all(data, 2, 2).size());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainingSamples.builder(manifest("n", Sample.SPEECH, 1, 1)).sourceFirst(Sample.SOUND, 1).build());

        // after the curriculum a share holds the sources: all sound at 1, all speech at 0, both at 0.5
        for (double share : new double[] {1, 0, 0.5}) {
            TrainingSamples shared = TrainingSamples.builder(r).seed(3).audioSamples(16000).quadMixup(0)
                    .sourceFirst(Sample.SOUND, 1).sourceShare(Sample.SOUND, share).build();
            Set<Integer> seen = new HashSet<>();
            for (int epoch = 1; epoch < 5; epoch++) {
                for (int i = 0; i < shared.size(); i++) seen.add(shared.sample(epoch, i).source());
            }
            assertEquals(share == 1 ? Set.of(Sample.SOUND) : share == 0 ? Set.of(Sample.SPEECH) : Set.of(0, 1), seen, "share " + share);
            assertEquals(5, shared.epochSize(1));
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainingSamples.builder(manifest("s", Sample.SPEECH, 1, 1)).sourceShare(Sample.SOUND, 0.25).build());
    }

    private static Set<Integer> toSet(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) s.add(v);
        return s;
    }

    @Test
    void batchesHaveTheTrainingShapesAndRanges() {
        ManifestReader r = manifest("m", Sample.SPEECH, 3, 2.5, 12, 4, 1);
        TrainingSamples data = TrainingSamples.builder(r).seed(1).quadMixup(0.5).build();
        assertEquals(5, data.size());
        List<TrainingBatch> batches = all(data, 0, 2);
        assertEquals(3, data.epoch(0, 2).batches());
        assertEquals(List.of(2, 2, 1), batches.stream().map(TrainingBatch::size).toList());
        TrainingBatch b = batches.get(0);
        assertArrayEquals(new long[] {2, 3, 224, 224}, b.images().shape());
        assertArrayEquals(new long[] {2, 1, 224, 224}, b.imageMasks().shape());
        assertArrayEquals(new long[] {2, L}, b.audio().shape());
        assertArrayEquals(new long[] {2, L}, b.audioMask().shape());
        assertArrayEquals(new long[] {2, L}, b.positiveMask().shape());
        assertArrayEquals(new long[] {2}, b.source().shape());
        assertEquals(DataType.FLOAT, b.images().dataType());
        assertEquals(DataType.FLOAT, b.positiveMask().dataType());
        assertEquals(DataType.INT, b.source().dataType());

        Set<String> ids = new HashSet<>();
        int mixed = 0;
        for (TrainingBatch batch : batches) {
            assertTrue(batch.images().minNumber().doubleValue() >= (0 - 0.485) / 0.229 - 1e-4);
            assertTrue(batch.images().maxNumber().doubleValue() <= (1 - 0.406) / 0.225 + 1e-4);
            for (TrainingSample s : batch.samples()) {
                assertTrue(ids.add(s.id()), "each item once per epoch: " + s.id());
                assertEquals(Sample.SPEECH, s.source());
                float[] mask = s.audioMask().toFloatVector(), pos = s.positiveMask().toFloatVector();
                float[] audio = s.audio().toFloatVector();
                double sum = 0, sq = 0;
                for (int i = 0; i < L; i++) {
                    assertTrue(mask[i] == 0f || mask[i] == 1f);
                    assertTrue(pos[i] >= 0f && pos[i] <= 1f);
                    sum += audio[i];
                    sq += (double) audio[i] * audio[i];
                }
                assertEquals(0, sum / L, 1e-4, "normalised audio has zero mean");
                assertEquals(1, sq / L, 1e-3, "and unit variance");
                float[] im = s.imageMask().ravel().toFloatVector();
                double ones = 0;
                for (float v : im) {
                    assertTrue(v == 0f || v == 1f);
                    ones += v;
                }
                assertTrue(ones == 224 * 224 || ones == 112 * 112, "all ones, or one quadrant: " + ones);
                if (ones == 112 * 112) mixed++;
            }
        }
        assertEquals(5, ids.size());
        assertTrue(mixed >= 1 && mixed <= 4, "quad-mixup p = 0.5 over 5 items: " + mixed);
    }

    @Test
    void resumesMidEpochAndCanDropTheLastPartialBatch() {
        ManifestReader r = manifest("m", Sample.SPEECH, 3, 2, 5, 1.5, 7);
        TrainingSamples.Builder config = TrainingSamples.builder(r).seed(8).threads(2);
        List<TrainingBatch> whole = all(config.build(), 2, 2);
        List<TrainingBatch> rest = new ArrayList<>();
        try (TrainingEpoch e = config.build().epoch(2, 2, 1)) {
            assertEquals(2, e.batches());
            for (TrainingBatch b : e) rest.add(b);
        }
        assertEquals(ids(whole.subList(1, 3)), ids(rest), "skipping a batch resumes at the second");
        assertArrayEquals(exact(whole.get(2).audio()), exact(rest.get(1).audio()));
        List<TrainingBatch> full = all(config.dropLast(true).build(), 2, 2);
        assertEquals(List.of(2, 2), full.stream().map(TrainingBatch::size).toList(), "5 items: two full batches");
        assertEquals(ids(whole.subList(0, 2)), ids(full));
    }

    private static List<String> ids(List<TrainingBatch> batches) {
        return batches.stream().flatMap(b -> b.samples().stream()).map(TrainingSample::id).toList();
    }

    @Test
    void deterministicForAnyThreadCount() {
        ManifestReader r = manifest("m", Sample.SPEECH, 3, 2, 5, 1.5, 7, 2.2, 3);
        TrainingSamples.Builder config = TrainingSamples.builder(r).seed(42).quadMixup(0.4);
        List<TrainingBatch> one = all(config.threads(1).build(), 3, 3);
        List<TrainingBatch> two = all(config.threads(2).build(), 3, 3);
        assertEquals(one.size(), two.size());
        for (int k = 0; k < one.size(); k++) {
            TrainingBatch a = one.get(k), b = two.get(k);
            assertEquals(a.samples().stream().map(TrainingSample::id).toList(),
                    b.samples().stream().map(TrainingSample::id).toList());
            assertArrayEquals(exact(a.images()), exact(b.images()));
            assertArrayEquals(exact(a.imageMasks()), exact(b.imageMasks()));
            assertArrayEquals(exact(a.audio()), exact(b.audio()));
            assertArrayEquals(exact(a.audioMask()), exact(b.audioMask()));
            assertArrayEquals(exact(a.positiveMask()), exact(b.positiveMask()));
            assertArrayEquals(a.source().toIntVector(), b.source().toIntVector());
        }
        TrainingSamples data = config.threads(2).build();
        int first = data.order(3)[0];
        assertArrayEquals(exact(one.get(0).samples().get(0).image()), exact(data.sample(3, first).image()),
                "a sample is its (epoch, index)");
        assertFalse(java.util.Arrays.equals(data.order(3), data.order(4)), "each epoch has its own order");
        assertNotEquals(data.sample(3, 0).image(), data.sample(4, 0).image(), "fresh augmentation every epoch");
    }

    @Test
    void positiveMaskIsBelowOneExactlyWhereNegativeAudioIsSpliced() {
        // item 0 is silence and item 1 a constant 0.5, both 6 s; each is spliced with the other
        Fixtures.wav(tmp.resolve("s/0.wav"), 16000, 96000, i -> 0);
        Fixtures.wav(tmp.resolve("s/1.wav"), 16000, 96000, i -> 16384);
        Fixtures.solid(tmp.resolve("s/x.png"), 32, 32, 0x336699);
        ManifestReader r = new ManifestReader(Fixtures.text(tmp.resolve("s.csv"),
                "image,audio\ns/x.png,s/0.wav\ns/x.png,s/1.wav\n"), Sample.SPEECH, ReaderOptions.defaults());
        TrainingSamples.Builder config = TrainingSamples.builder(r).quadMixup(0).randomWindow(0).normalizeAudio(false);
        TrainingSamples data = config.build();
        for (int epoch = 0; epoch < 6; epoch++) {
            for (int index = 0; index < 2; index++) {
                TrainingSample s = data.sample(epoch, index);
                float own = index == 0 ? 0f : 0.5f, other = 0.5f - own;
                float[] audio = s.audio().toFloatVector(), mask = s.audioMask().toFloatVector();
                float[] pos = s.positiveMask().toFloatVector();
                int first = -1, last = -1, below = 0, spliced = 0;
                for (int i = 0; i < L; i++) {
                    if (i >= 96000) {
                        assertEquals(0f, mask[i]);
                        assertEquals(0f, pos[i], "the positive mask is padded with zeros");
                        assertEquals(0f, audio[i]);
                        continue;
                    }
                    assertEquals(1f, mask[i]);
                    assertEquals(own * pos[i] + other * (1 - pos[i]), audio[i], 1e-6, "crossfade weight = 1 - positive");
                    if (pos[i] < 1f) below++;
                    if (audio[i] != own) { // the spliced region, where the other clip's weight is above 0
                        spliced++;
                        if (first < 0) first = i;
                        last = i;
                    } else {
                        assertEquals(1f, pos[i], "positive outside the spliced region, at " + i);
                    }
                }
                assertEquals(last - first + 1, spliced, "one contiguous splice");
                assertTrue(spliced >= 16000 - 2 && spliced <= 64000, "1–4 s spliced: " + spliced);
                if (index == 0) { // silence + w·0.5 is exact: only the outermost samples of the fade may round to 1
                    assertTrue(spliced - below <= 2, "positive < 1 across the splice: " + below + " of " + spliced);
                    for (int i = first + 2; i <= last - 2; i++) assertTrue(pos[i] < 1f, "at " + i);
                }
            }
        }
        TrainingSample plain = config.spliceNegatives(false).build().sample(0, 1);
        assertEquals(plain.audioMask(), plain.positiveMask(), "no splice: positive wherever valid");
    }

    @Test
    void forcedQuadMixupMarksOneQuadrantHoldingTheHalfSizePositive() {
        ManifestReader r = manifest("q", Sample.SOUND, 2, 3, 4, 5);
        TrainingSamples plain = TrainingSamples.builder(r).seed(5).quadMixup(0).build();
        TrainingSamples mixed = TrainingSamples.builder(r).seed(5).quadMixup(1).build();
        Set<Integer> quadrants = new HashSet<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int index = 0; index < r.size(); index++) {
                TrainingSample a = plain.sample(epoch, index), b = mixed.sample(epoch, index);
                assertEquals(a.id(), b.id());
                assertEquals(224 * 224, a.imageMask().sumNumber().intValue(), "no mixup: all ones");
                assertArrayEquals(exact(a.audio()), exact(b.audio()), "mixup leaves the audio alone");
                int quadrant = -1;
                for (int q = 0; q < 4; q++) {
                    INDArray block = quadrant(b.imageMask(), q);
                    double sum = block.sumNumber().doubleValue();
                    if (sum == 112 * 112) {
                        assertEquals(-1, quadrant, "one quadrant only");
                        quadrant = q;
                    } else {
                        assertEquals(0.0, sum, "other quadrants are 0");
                    }
                }
                assertTrue(quadrant >= 0);
                quadrants.add(quadrant);
                RgbImage half = PilBilinear.resize(pixels(a.image()), 112, 112);
                INDArray expected = ImagePreprocessor.toTensor(half).reshape(3, 112, 112);
                assertArrayEquals(exact(expected), exact(quadrant(b.image(), quadrant)),
                        "the positive, halved, in its quadrant");
                assertFalse(java.util.Arrays.equals(exact(expected), exact(quadrant(b.image(), (quadrant + 1) % 4))),
                        "others elsewhere");
            }
        }
        assertTrue(quadrants.size() >= 2, "the quadrant is random: " + quadrants);
    }

    @Test
    void itemsWithTooLittleAudioAreReplaced() {
        ManifestReader r = manifest("f", Sample.SPEECH, 0.2, 3, 4, 5); // 0.2 s: mask mean 0.019 < 0.04
        TrainingSamples data = TrainingSamples.builder(r).seed(9).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            TrainingSample s = data.sample(epoch, 0);
            assertNotEquals("f.csv#1", s.id(), "the short clip is replaced");
            assertTrue(s.audioMask().meanNumber().doubleValue() >= 0.04);
            List<TrainingBatch> batches = all(data, epoch, 4);
            assertEquals(1, batches.size());
            assertEquals(4, batches.get(0).size(), "the batch stays full");
            for (TrainingSample t : batches.get(0).samples()) assertNotEquals("f.csv#1", t.id());
        }
        TrainingSample kept = TrainingSamples.builder(r).seed(9).minMaskMean(0).build().sample(0, 0);
        assertEquals("f.csv#1", kept.id(), "without the filter it stays");
    }

    @Test
    void mixesTwoDatasetsHalfAndHalfWithTheirSourceLabels() {
        manifest("speech", Sample.SPEECH, 2, 3); // the files
        ManifestReader sound = manifest("sound", Sample.SOUND, 4, 2, 3);
        StringBuilder rows = new StringBuilder("image,audio\n"); // 40 speech items over the two files
        for (int k = 0; k < 40; k++) rows.append("speech/" + k % 2 + ".png,speech/" + k % 2 + ".wav\n");
        ManifestReader places = new ManifestReader(Fixtures.text(tmp.resolve("places.csv"), rows.toString()),
                Sample.SPEECH, ReaderOptions.defaults());
        TrainingSamples data = TrainingSamples.builder(places).mixedWith(sound).seed(3).quadMixup(0).build();
        assertEquals(40, data.size(), "the epoch is as long as the first dataset");
        int[] counts = new int[2];
        for (TrainingBatch b : all(data, 0, 8)) {
            int[] src = b.source().toIntVector();
            for (int k = 0; k < b.size(); k++) {
                TrainingSample s = b.samples().get(k);
                assertEquals(s.source(), src[k]);
                assertEquals(s.id().startsWith("sound.csv#") ? Sample.SOUND : Sample.SPEECH, s.source(), s.id());
                assertTrue(s.id().startsWith("sound.csv#") || s.id().startsWith("places.csv#"), s.id());
                counts[s.source()]++;
            }
        }
        assertEquals(40, counts[0] + counts[1]);
        assertTrue(counts[0] >= 10 && counts[1] >= 10, "about half each: " + counts[0] + " / " + counts[1]);
    }

    /** All values, for exact comparison (INDArray.equals allows 1e-5). */
    private static float[] exact(INDArray x) {
        return x.dup().data().asFloat();
    }

    /** Quadrant q (row-major) of a {@code [C, 224, 224]} array. */
    private static INDArray quadrant(INDArray x, int q) {
        int top = (q / 2) * 112, left = (q % 2) * 112;
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(top, top + 112),
                NDArrayIndex.interval(left, left + 112)).dup();
    }

    /** The 8-bit pixels a normalised {@code [3, H, W]} image was made from (inverting ToTensor + Normalize exactly). */
    private static RgbImage pixels(INDArray image) {
        byte[] ramp = new byte[256 * 3];
        for (int v = 0; v < 256; v++) ramp[3 * v] = ramp[3 * v + 1] = ramp[3 * v + 2] = (byte) v;
        INDArray lut = ImagePreprocessor.toTensor(new RgbImage(256, 1, ramp));
        List<Map<Float, Integer>> inverse = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Map<Float, Integer> m = new HashMap<>();
            for (int v = 0; v < 256; v++) m.put(lut.getFloat(0, c, 0, v), v);
            inverse.add(m);
        }
        int h = (int) image.size(1), w = (int) image.size(2);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) (int) inverse.get(c).get(image.getFloat(c, y, x));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
