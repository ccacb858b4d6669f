package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.denseav.data.FrameMask;
import io.denseav.fixtures.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DenseAV against an independent torch reference written from the spec (test-fixtures/denseav_fixtures/
 * denseav_ref.py on torchvision's ViT and torchaudio's HuBERT): aligned features, the frame mask, the paired
 * volume, every head-aggregation score and the heatmap; for the three release layouts (peft 0.5 keys, peft ≥ 0.7
 * base_layer keys, HF folder), eval and train pooling, a silent clip, and a 1-head model without LoRA.
 */
class DenseAvParityTest {

    static Path dir(String relative) {
        return Fixtures.path("denseav/" + relative);
    }

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
            "tiny_2head/case_eval, tiny_2head/model.ckpt",
            "tiny_2head/case_eval, tiny_2head_base_layer/model.ckpt",
            "tiny_2head/case_eval, tiny_2head_hf/model.safetensors",
            "tiny_2head/case_train, tiny_2head/model.ckpt",
            "tiny_2head/case_silent, tiny_2head/model.ckpt",
            "tiny_1head_nolora/case_eval, tiny_1head_nolora/model.ckpt",
    })
    void matchesTheTorchReference(String caseDir, String weights) {
        check(dir(caseDir), dir(weights));
    }

    /** Checks one golden case directory against a model file; returns the worst max|Δ|/max|ref|. */
    static double check(Path c, Path weights) {
        return check(c, weights, 1);
    }

    /** As above, with the features computed {@code runs} times by one model (the last run is compared). */
    static double check(Path c, Path weights, int runs) {
        String caseDir = c.getParent().getFileName() + "/" + c.getFileName();
        JsonNode meta = Goldens.json(c.resolve("case.json"));
        double worst = 0;
        try (DenseAv model = DenseAv.load(weights)) {
            assertEquals(meta.get("heads").asInt(), model.config().heads());
            model.trainPooling(meta.get("mode").asText().equals("train"));
            INDArray image = Goldens.npy(c.resolve("image.npy"));
            INDArray audio = Goldens.npy(c.resolve("audio.npy"));
            INDArray v = null;
            INDArray a = null;
            for (int r = 0; r < runs; r++) {
                v = model.imageFeatures(image);
                a = model.audioFeatures(audio);
            }
            worst = Math.max(worst, Goldens.assertClose(Goldens.npy(c.resolve("image_feats.npy")), v, caseDir + " image feats"));
            worst = Math.max(worst, Goldens.assertClose(Goldens.npy(c.resolve("audio_feats.npy")), a, caseDir + " audio feats"));
            INDArray mask = FrameMask.of(Goldens.npy(c.resolve("audio_mask.npy")), (int) a.size(3));
            assertEquals(Goldens.npy(c.resolve("mask_ta.npy")), mask, "frame mask");
            if (has(c, "paired_volume.npy")) {
                INDArray ref = Goldens.npy(c.resolve("paired_volume.npy"));
                worst = Math.max(worst, Goldens.assertClose(ref, model.pairedVolume(a, mask, v).reshape(ref.shape()),
                        caseDir + " paired volume"));
            }
            if (has(c, "heatmap.npy")) {
                INDArray heat = model.heatmap(a, mask, v);
                assertTrue(Transforms.abs(heat).maxNumber().doubleValue() < Double.MAX_VALUE, "finite heatmap");
                worst = Math.max(worst, Goldens.assertClose(Goldens.npy(c.resolve("heatmap.npy")), heat, caseDir + " heatmap"));
            }
            worst = Math.max(worst, Goldens.assertClose(Goldens.npy(c.resolve("scores_per_head.npy")),
                    model.scores(a, mask, v, null), caseDir + " per-head"));
            for (String agg : List.of("max_elementwise", "sum", "max")) {
                if (!has(c, "scores_" + agg + ".npy")) continue;
                worst = Math.max(worst, Goldens.assertClose(Goldens.npy(c.resolve("scores_" + agg + ".npy")),
                        model.scores(a, mask, v, MisaAggregator.HeadAgg.parse(agg)), caseDir + " " + agg));
            }
        }
        return worst;
    }

    private static boolean has(Path c, String file) {
        return c.resolve(file).toFile().exists();
    }
}
