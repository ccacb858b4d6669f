package io.denseav.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Progress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Retrieval, disentanglement and localisation end to end on the fixture manifests, against the torch reference
 * ({@code test-fixtures/generate_eval.py}). Scores are compared at the float32 parity of the model (the graph
 * tests' 1e-5 of the range); recall, Pred. Dis. and cIoU@0.5/AUC are rank or threshold counts over 5-8 items whose
 * margins are far above that, so they must be equal.
 */
class ProtocolGoldensTest {
    static final double SCORE_TOL = 1e-5;
    static final double EXACT = 1e-12;
    private static DenseAv model;

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

    private static Path pairs() {
        return EvalGoldens.data().resolve("pairs.csv");
    }

    @Test
    void retrievalScoresAndRecallMatchTheReference() {
        JsonNode g = EvalGoldens.goldens();
        List<PairManifest.Pair> rows = PairManifest.read(pairs(), "test");
        assertEquals(g.get("rows").size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(g.get("rows").get(i).asText() + ".wav", rows.get(i).audio().getFileName().toString());
        }
        Retrieval.Stacked s = Retrieval.Stacked.of(rows, features(), Progress.NONE, "t");
        INDArray got = RetrievalScores.sum(s.audio(), s.mask(), s.image(), 2);
        INDArray want = EvalGoldens.npy("retrieval_scores_sum.npy");
        double rel = want.sub(got).amaxNumber().doubleValue() / want.amaxNumber().doubleValue();
        System.out.printf("retrieval scores: max |java - torch| / max |torch| = %.3g%n", rel);
        assertTrue(rel < SCORE_TOL, "scores differ by " + rel);

        EvalResult r = Retrieval.builder().setData(EvalGoldens.data()).optSplit("test").build().run(features(), Progress.NONE);
        assertEquals(List.of("a2i_r1", "a2i_r5", "a2i_r10", "i2a_r1", "i2a_r5", "i2a_r10"), List.copyOf(r.summary().keySet()));
        g.get("retrieval").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("torch_topk")) assertEquals(e.getValue().asDouble(), r.summary(e.getKey()), EXACT, e.getKey());
        });
        assertEquals(8, r.settings().get("subset"));
        assertEquals(1, r.tables().size());
    }

    @Test
    void retrievalRefusesBadSubsetsAndSplits() {
        EvaluationException big = assertThrows(EvaluationException.class, () ->
                Retrieval.builder().setData(pairs()).optSplit("test").optSubset(9).build().run(features(), Progress.NONE));
        assertTrue(big.getMessage().contains("subset 9 is larger than the data (8 pairs)"), big.getMessage());
        // validation during training asks for at most N: all 8 when there are fewer, the seed-0 subset otherwise
        EvalResult capped = Retrieval.builder().setData(pairs()).optSplit("test").optSubsetAtMost(9).build().run(features(), Progress.NONE);
        assertEquals(8, capped.settings().get("subset"));
        assertEquals(Retrieval.builder().setData(pairs()).optSplit("test").optSubset(5).build().run(features(), Progress.NONE).summary(),
                Retrieval.builder().setData(pairs()).optSplit("test").optSubsetAtMost(5).build().run(features(), Progress.NONE).summary());
        EvaluationException split = assertThrows(EvaluationException.class, () ->
                Retrieval.builder().setData(pairs()).optSplit("val").build().run(features(), Progress.NONE));
        assertTrue(split.getMessage().contains("no rows in split 'val' (splits: [test, train])"), split.getMessage());
        EvaluationException layout = assertThrows(EvaluationException.class, () ->
                Retrieval.builder().setData(EvalGoldens.data().resolve("frames")).build().run(features(), Progress.NONE));
        assertTrue(layout.getMessage().contains("not a pairs manifest"), layout.getMessage());
        // the training rows join without --split: 10 pairs
        EvalResult all = Retrieval.builder().setData(pairs()).build().run(features(), Progress.NONE);
        assertEquals(10, all.settings().get("subset"));
    }

    @Test
    void disentanglementMatchesTheReference() {
        JsonNode g = EvalGoldens.goldens().get("disentanglement");
        List<PairManifest.Pair> rows = PairManifest.read(pairs(), "test");
        float[][] want = EvalGoldens.npy("disentanglement_paired_per_head.npy").toFloatMatrix();
        double max = 0, diff = 0;
        for (int i = 0; i < rows.size(); i++) {
            Features.Audio a = features().audio(rows.get(i).audio());
            float[] got = model.scores(a.feats(), a.mask(), features().image(rows.get(i).image()), null).reshape(2).toFloatVector();
            for (int h = 0; h < 2; h++) {
                max = Math.max(max, Math.abs(want[i][h]));
                diff = Math.max(diff, Math.abs(want[i][h] - got[h]));
            }
        }
        assertTrue(diff / max < SCORE_TOL, "paired scores differ by " + diff / max);
        EvalResult r = DisentanglementEval.builder().setData(EvalGoldens.data()).optSplit("test").build()
                .run(features(), Progress.NONE);
        assertEquals(List.of("pred_dis", "act_dis"), List.copyOf(r.summary().keySet()));
        assertEquals(g.get("pred_dis").asDouble(), r.summary("pred_dis"), EXACT);
        // act_dis is a mean of min-max normalised scores: float32 parity, not a count
        assertEquals(g.get("act_dis").asDouble(), r.summary("act_dis"), SCORE_TOL);
        assertEquals(5, r.settings().get("speech_items"));
        assertEquals(3, r.settings().get("sound_items"));
        assertEquals(2, r.tables().size());
    }

    @Test
    void disentanglementNeedsTwoHeads() {
        try (DenseAv oneHead = DenseAv.load(EvalGoldens.path("denseav/tiny_1head_nolora/model.ckpt"))) {
            EvaluationException e = assertThrows(EvaluationException.class, () -> DisentanglementEval.builder()
                    .setData(pairs()).build().run(Features.of(oneHead, null), Progress.NONE));
            assertTrue(e.getMessage().contains("needs a model with 2 similarity heads; this one has K = 1"), e.getMessage());
        }
        EvaluationException big = assertThrows(EvaluationException.class, () -> DisentanglementEval.builder()
                .setData(pairs()).optSplit("test").optSubset(4).build().run(features(), Progress.NONE));
        assertTrue(big.getMessage().contains("subset 4 is larger than the data (3 sound items (label 1))"), big.getMessage());
    }

    @Test
    void localizationMatchesTheReference() {
        JsonNode g = EvalGoldens.goldens().get("localization");
        List<LocalizationEval.Row> rows = LocalizationEval.read(EvalGoldens.data().resolve(LocalizationEval.FILE));
        assertEquals(2, rows.get(2).boxes().length, "two boxes on row 3");
        for (int i = 0; i < rows.size(); i++) {
            int[] wh = HeatmapMath.imageSize(rows.get(i).image());
            for (int b = 0; b < rows.get(i).boxes().length; b++) {
                JsonNode m = g.get("mapped_boxes").get(i).get(b);
                int[] want = {m.get(0).asInt(), m.get(1).asInt(), m.get(2).asInt(), m.get(3).asInt()};
                assertArrayEquals(want, LocalizationEval.mapBox(rows.get(i).boxes()[b], wh[0], wh[1]), "row " + i);
            }
        }
        EvalResult r = LocalizationEval.builder().setData(EvalGoldens.data()).build().run(features(), Progress.NONE);
        assertEquals(List.of("ciou", "auc"), List.copyOf(r.summary().keySet()));
        assertEquals(g.get("ciou").asDouble(), r.summary("ciou"), EXACT);
        assertEquals(g.get("auc").asDouble(), r.summary("auc"), EXACT);
        double best = 0, worst = 1;
        for (JsonNode c : g.get("ciou_per_image")) {
            best = Math.max(best, c.asDouble());
            worst = Math.min(worst, c.asDouble());
        }
        // per-picture cIoU: a pixel at the median-rank threshold may change sides (1/|gt| ~ 1e-4)
        assertEquals(best, r.examples().get(0).score(), 1e-3);
        EvalResult.Example lowest = r.examples().stream().filter(e -> !e.best()).findFirst().orElseThrow();
        assertEquals(worst, lowest.score(), 1e-3);
        assertEquals(5, r.examples().size(), "3 best, then the 2 others");
    }

    @Test
    void boxesMapThroughResizeAndCentreCrop() {
        // 96x72 -> 298x224 (int(224*96/72) = 298), crop left = round(74/2) = 37
        assertArrayEquals(new int[] {0, 43, 124, 189}, LocalizationEval.mapBox(new int[] {9, 14, 52, 61}, 96, 72));
        assertArrayEquals(new int[] {0, 0, 224, 224}, LocalizationEval.mapBox(new int[] {-5, -5, 500, 500}, 96, 72));
        assertArrayEquals(new int[] {0, 0, 224, 224}, LocalizationEval.mapBox(new int[] {0, 0, 100, 100}, 100, 100));
        int[][] parsed = LocalizationEval.parseBoxes("1 2 3 4; 5.9,6,7,8 ;", Path.of("x.csv"), "x.csv:2");
        assertArrayEquals(new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, parsed);
        assertEquals(0, LocalizationEval.parseBoxes("  ", Path.of("x.csv"), "x.csv:2").length);
        assertThrows(io.denseav.data.DataException.class, () -> LocalizationEval.parseBoxes("1 2 3", Path.of("x.csv"), "x.csv:2"));
    }
}
