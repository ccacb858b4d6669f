package io.denseav.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.data.DataException;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Speech- and sound-prompted segmentation on the tiny fixture folder (TuxPaint-AV layout: both kinds in one CSV),
 * against the torch reference of {@code test-fixtures/generate_eval.py}.
 *
 * <p>Tolerances. From the golden raw heat maps the Java pipeline (global min-max, bilinear upsampling, pooled AP,
 * 20-threshold IoU) must agree to {@link #EXACT}. End to end, the Java model runs in float32 while the goldens come
 * from a float64 model: the raw heat maps agree to 4.1e-6 of their range ({@link #RAW_TOL} is the graph tests'
 * 1e-5), which reorders only pixels closer than that. The generator measures what such noise does to the metrics
 * (index.json {@code float32_model_metric_diff}: torch's own float32 model, whose heat maps are within 1.3e-6, moves
 * AP by at most 6.7e-7 and IoU by 2.4e-5, one pixel crossing a threshold in a pooled union of ~4·10⁴ pixels). Java
 * measured: AP 1.6e-6, IoU 2.4e-5. Tolerances: AP {@link #AP_TOL} (the ~3× larger heat-map noise times the same
 * sensitivity, with margin), IoU {@link #IOU_TOL} (two pixels of the smallest union).
 */
class PromptedSegmentationTest {
    static final double EXACT = 1e-6;
    static final double AP_TOL = 5e-6;
    static final double IOU_TOL = 5e-5;
    /** The DenseAV graph tests' float32-vs-float64 parity (max|d|/max|ref|). */
    static final double RAW_TOL = 1e-5;

    private static DenseAv model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = DenseAv.load(EvalGoldens.model());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Features features() {
        return EvalGoldens.features(model, EvalGoldens.sharedCache());
    }

    private static EvalResult run(Path data, Prompts prompts, Integer subset) {
        return PromptedSegmentation.builder().setData(data).optPrompts(prompts).optSubset(subset).build()
                .run(features(), Progress.NONE);
    }

    @Test
    void endToEndMatchesTorchReferenceAndTheCacheMakesTheSecondRunFast() {
        Path cache = tmp.resolve("cache");
        long t0 = System.nanoTime();
        EvalResult r = PromptedSegmentation.builder().setData(EvalGoldens.data()).build()
                .run(EvalGoldens.features(model, cache), Progress.NONE);
        long t1 = System.nanoTime();
        EvalResult again = PromptedSegmentation.builder().setData(EvalGoldens.data()).build()
                .run(EvalGoldens.features(model, cache), Progress.NONE);
        long t2 = System.nanoTime();
        System.out.printf("segmentation on the fixture: uncached %.2f s, cached %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        assertEquals(r.summary(), again.summary(), "cached features give the same numbers");
        assertTrue(t2 - t1 < (t1 - t0) / 2, "the cached run skips the backbones");
        assertEquals("both", r.settings().get("prompts"));
        double[] worst = {0, 0};
        JsonNode g = EvalGoldens.goldens();
        for (String kind : new String[] {"speech", "sound"}) {
            g.get(kind).get("summary").fields().forEachRemaining(e -> worst[e.getKey().endsWith("ap") ? 0 : 1] = Math.max(
                    worst[e.getKey().endsWith("ap") ? 0 : 1], check(kind + "_" + e.getKey(), r.summary(kind + "_" + e.getKey()),
                            e.getValue().asDouble(), e.getKey().endsWith("ap") ? AP_TOL : IOU_TOL)));
            for (JsonNode c : g.get(kind).get("per_class")) {
                EvalResult.ClassMetrics m = r.perClass().stream()
                        .filter(x -> x.prompts().equals(kind) && x.classId() == c.get("class_id").asInt()).findFirst().orElseThrow();
                assertEquals(c.get("count").asInt(), m.count());
                assertEquals(c.get("class_name").asText(), m.className());
                String where = kind + " class " + m.classId();
                worst[0] = Math.max(worst[0], check(where + " ap", m.ap(), c.get("basic_ap").asDouble(), AP_TOL));
                worst[1] = Math.max(worst[1], check(where + " iou", m.iou(), c.get("basic_iou").asDouble(), IOU_TOL));
                if (c.has("advanced_ap")) {
                    worst[0] = Math.max(worst[0], check(where + " advanced ap", m.extra().get("advanced_ap"), c.get("advanced_ap").asDouble(), AP_TOL));
                    worst[1] = Math.max(worst[1], check(where + " advanced iou", m.extra().get("advanced_iou"), c.get("advanced_iou").asDouble(), IOU_TOL));
                } else {
                    assertFalse(m.extra().containsKey("advanced_ap"), where);
                }
            }
        }
        System.out.printf("largest |java - torch|: AP %.3g, IoU %.3g%n", worst[0], worst[1]);
        assertEquals(7, r.perClass().size());
        assertEquals(1, r.settings().get("dropped_background_rows"));
    }

    private static double check(String what, double got, double want, double tol) {
        double d = Math.abs(got - want);
        assertTrue(d <= tol, what + ": java " + got + ", torch " + want + " (|d| " + d + " > " + tol + ")");
        return d;
    }

    /** The metric pipeline alone, fed the reference's own raw heat maps: exact up to float32 summation order. */
    @Test
    void pipelineOnTorchHeatmapsMatchesSklearnAndMultiIou() {
        PromptedSet set = PromptedSet.read(EvalGoldens.data());
        for (PromptedSet.Kind kind : PromptedSet.Kind.values()) {
            JsonNode g = EvalGoldens.goldens().get(kind.label());
            List<PromptedSet.Item> items = set.items(kind);
            int[] classes = items.stream().mapToInt(PromptedSet.Item::classId).toArray();
            BitSet[] truth = items.stream().map(PromptedSegmentation::truth).toArray(BitSet[]::new);
            for (String variant : kind == PromptedSet.Kind.SPEECH ? new String[] {"basic", "advanced"} : new String[] {"basic"}) {
                float[][][] raw = toMaps(EvalGoldens.npy(kind.label() + "_" + variant + "_raw.npy"));
                assertEquals(items.size(), raw.length);
                PromptedSegmentation.Scores s = PromptedSegmentation.score(classes, truth, raw, Progress.NONE);
                for (JsonNode c : g.get("per_class")) {
                    PromptedSegmentation.ClassScore cs = s.classes.get(c.get("class_id").asInt());
                    String where = kind.label() + " " + variant + " class " + c.get("class_id");
                    check(where + " ap", cs.ap, c.get(variant + "_ap").asDouble(), EXACT);
                    check(where + " iou", cs.iou, c.get(variant + "_iou").asDouble(), EXACT);
                    check(where + " iou vs torch.linspace", cs.iou, c.get(variant + "_iou_torch").asDouble(), EXACT);
                }
            }
        }
    }

    /** The float32 model's raw heat maps against the float64 reference's: the parity the tolerances rest on. */
    @Test
    void rawHeatmapsMatchTheReferenceToFloat32Parity() {
        PromptedSet set = PromptedSet.read(EvalGoldens.data());
        double worst = 0;
        for (PromptedSet.Kind kind : PromptedSet.Kind.values()) {
            PromptedSegmentation.Raw raw = PromptedSegmentation.heatmaps(set.items(kind), features(), Progress.NONE, "t");
            for (String variant : kind == PromptedSet.Kind.SPEECH ? new String[] {"basic", "advanced"} : new String[] {"basic"}) {
                float[][][] want = toMaps(EvalGoldens.npy(kind.label() + "_" + variant + "_raw.npy"));
                float[][][] got = variant.equals("basic") ? raw.basic : raw.advanced;
                double max = 0, diff = 0;
                for (int i = 0; i < want.length; i++) {
                    for (int y = 0; y < want[i].length; y++) {
                        for (int x = 0; x < want[i][y].length; x++) {
                            max = Math.max(max, Math.abs(want[i][y][x]));
                            diff = Math.max(diff, Math.abs(want[i][y][x] - got[i][y][x]));
                        }
                    }
                }
                worst = Math.max(worst, diff / max);
            }
        }
        System.out.printf("raw heat maps: max |java - torch| / max |torch| = %.3g%n", worst);
        assertTrue(worst < RAW_TOL, "raw heat maps differ by " + worst);
    }

    private static float[][][] toMaps(INDArray a) {
        float[][][] out = new float[(int) a.size(0)][][];
        for (int i = 0; i < out.length; i++) out[i] = a.slice(i).toFloatMatrix();
        return out;
    }

    @Test
    void promptsSelectOneKindWithUnprefixedKeys() {
        EvalResult both = run(EvalGoldens.data(), Prompts.BOTH, null);
        EvalResult speech = run(EvalGoldens.data(), Prompts.SPEECH, null);
        EvalResult sound = run(EvalGoldens.data(), Prompts.SOUND, null);
        assertEquals(List.of("basic_ap", "basic_iou", "advanced_ap", "advanced_iou"), List.copyOf(speech.summary().keySet()));
        assertEquals(List.of("basic_ap", "basic_iou"), List.copyOf(sound.summary().keySet()));
        assertEquals(List.of("speech_basic_ap", "speech_basic_iou", "speech_advanced_ap", "speech_advanced_iou",
                "sound_basic_ap", "sound_basic_iou"), List.copyOf(both.summary().keySet()));
        speech.summary().forEach((k, v) -> assertEquals(both.summary("speech_" + k), v, 0.0, k));
        sound.summary().forEach((k, v) -> assertEquals(both.summary("sound_" + k), v, 0.0, k));
        assertTrue(speech.perClass().stream().allMatch(c -> c.prompts().equals("speech")));
        assertEquals(6, ((Map<?, ?>) speech.settings().get("speech")).get("prompts"));
        for (double v : both.summary().values()) assertTrue(v >= 0 && v <= 1, "fraction " + v);
        assertFalse(both.examples().isEmpty());
        assertFalse(both.curves().isEmpty());
    }

    /** The ADE20K layout (speech only, image_location under frames/, no seg_location) reads the same prompts. */
    @Test
    void ade20kLayoutGivesTheSameSpeechNumbers() throws IOException {
        Path dir = tmp.resolve("ade");
        copy(EvalGoldens.data(), dir);
        List<String> lines = Files.readAllLines(EvalGoldens.data().resolve(PromptedSet.CSV));
        List<String> out = new ArrayList<>(List.of("image_location,ade_class_id,speech_prompt_file,timing"));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csvFields(line);
            if (f.get(4).isEmpty()) continue; // sound rows are another ADE20K set
            out.add(String.join(",", f.get(0).substring("frames/".length()), f.get(2), f.get(4), "\"" + f.get(6) + "\""));
        }
        Files.write(dir.resolve(PromptedSet.CSV), out);
        Files.delete(dir.resolve("classes.csv"));
        EvalResult ade = run(dir, null, null);
        assertEquals("speech", ade.settings().get("prompts"));
        EvalResult tux = run(EvalGoldens.data(), Prompts.SPEECH, null);
        assertEquals(tux.summary(), ade.summary());
        assertTrue(ade.perClass().stream().allMatch(c -> c.className() == null), "no names without classes.csv");
    }

    @Test
    void subsetsAndBadFolders() throws IOException {
        EvalResult r = run(EvalGoldens.data(), Prompts.SPEECH, 3);
        assertEquals(3, ((Map<?, ?>) r.settings().get("speech")).get("prompts"));
        EvaluationException big = assertThrows(EvaluationException.class, () -> run(EvalGoldens.data(), Prompts.SPEECH, 7));
        assertTrue(big.getMessage().contains("larger than the data (6 speech prompts)"), big.getMessage());
        EvaluationException none = assertThrows(EvaluationException.class, () -> run(tmp, null, null));
        assertTrue(none.getMessage().contains("no prompted_segmentation.csv"), none.getMessage());
        Path dir = tmp.resolve("missing");
        copy(EvalGoldens.data(), dir);
        Files.delete(dir.resolve("audio/speech_3.wav"));
        DataException missing = assertThrows(DataException.class, () -> run(dir, null, null));
        assertTrue(missing.getMessage().contains("speech_3.wav: no such file (prompted_segmentation.csv:8)"), missing.getMessage());
        Files.writeString(dir.resolve("audio/speech_3.wav"), "RIFF, but not really");
        DataException corrupt = assertThrows(DataException.class,
                () -> PromptedSegmentation.builder().setData(dir).optPrompts(Prompts.SPEECH).build()
                        .run(EvalGoldens.features(model, null), Progress.NONE));
        assertTrue(corrupt.getMessage().startsWith(dir.resolve("audio/speech_3.wav").toString()), corrupt.getMessage());
    }

    @Test
    void wordFramesFollowTheReferenceFloorCeilAndClamp() {
        // T = 56: (0.05 - 0.2)/10.2625*56 = -0.82 -> -1 -> 0; (0.40 + 0.2)/10.2625*56 = 3.27 -> 4
        assertArrayEquals(new int[] {0, 4}, PromptedSegmentation.wordFrames(0.05, 0.40, 56));
        // 0.7/10.2625*56 = 3.82 -> 3; 1.45/10.2625*56 = 7.91 -> 8: frames 3..7
        assertArrayEquals(new int[] {3, 8}, PromptedSegmentation.wordFrames(0.9, 1.25, 56));
        // a word ending past the clip: end clamped to T
        assertArrayEquals(new int[] {52, 56}, PromptedSegmentation.wordFrames(9.9, 10.3, 56)); // 52.93 -> 52
        // wholly past the clip: empty (the protocol then falls back to the basic mask)
        assertArrayEquals(new int[] {56, 56}, PromptedSegmentation.wordFrames(10.5, 11.0, 56));
        // a frame bound that is an integer stays (floor and ceil of 2.0): start = 2/56*10.2625 + 0.2 in float32
        float start = 2f / 56 * PromptedSegmentation.CLIP_SECONDS + PromptedSegmentation.WORD_MARGIN_SECONDS;
        int[] f = PromptedSegmentation.wordFrames(start, start, 56);
        assertTrue(f[0] == 1 || f[0] == 2, "floor of ~2: " + f[0]);
        assertTrue(f[1] > f[0]);
    }

    @Test
    void globalMinMaxIsOneRangeOverAllMaps() {
        float[][][] maps = {{{-2f, 0f}, {1f, 2f}}, {{4f, -1f}}};
        float[] range = HeatmapMath.globalMinMax(maps);
        assertArrayEquals(new float[] {-2f, 6f}, range);
        assertArrayEquals(new float[] {0f, 2f / 6f}, maps[0][0]);
        assertArrayEquals(new float[] {3f / 6f, 4f / 6f}, maps[0][1]);
        assertArrayEquals(new float[] {1f, 1f / 6f}, maps[1][0], "the second map is not normalised on its own");
        // float32 steps as torch: (v - min) then / max
        float[][][] one = {{{0.1f, 0.7f, 0.3f}}};
        HeatmapMath.globalMinMax(one);
        assertEquals((0.3f - 0.1f) / (0.7f - 0.1f), one[0][0][2], 0f);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    /** The fields of one CSV line (quotes removed). */
    private static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else cell.append(ch);
        }
        out.add(cell.toString());
        return out;
    }
}
