package io.denseav.evaluation.protocols;

import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Validation during training (the reference validates every 2 epochs, denseav-reference.md §5.2 and §7): cross-modal
 * retrieval recall on the held-out pairs and, where the folder has prompted-segmentation annotations, prompted
 * mAP/mIoU, both in eval mode on the model's current weights (no feature cache: the weights change). Hand it to
 * {@code Trainer.validation(every, TrainingValidation.of(...), listener)}.
 */
public final class TrainingValidation {
    private TrainingValidation() {
    }

    /**
     * @param data   a TuxPaint-AV root (its {@code pairs.csv} rows of {@code split}, and {@code data/split} for the
     *               prompted segmentation), or a pairs CSV (retrieval only)
     * @param split  the split to validate on (e.g. "val"), or null for every row of a CSV
     * @param subset at most this many items per protocol (the reference's seed-0 subset), or null for all
     * @return the metrics, keys prefixed {@code val/}
     */
    public static Function<DenseAv, Map<String, Double>> of(Path data, String split, Integer subset, Progress progress) {
        Path csv = Files.isDirectory(data) ? data.resolve("pairs.csv") : data;
        if (!Files.isRegularFile(csv)) throw new EvaluationException(data + ": no pairs.csv to validate on");
        Path prompted = Files.isDirectory(data) && split != null && PromptedSet.isPromptedFolder(data.resolve(split))
                ? data.resolve(split) : null;
        Retrieval retrieval = Retrieval.builder().setData(csv).optSplit(split).optSubsetAtMost(subset).build();
        PromptedSegmentation segmentation = prompted == null ? null
                : PromptedSegmentation.builder().setData(prompted).optSubsetAtMost(subset).build();
        return model -> {
            Features f = Features.of(model, null);
            Map<String, Double> out = new LinkedHashMap<>();
            retrieval.run(f, progress).summary().forEach((k, v) -> out.put("val/" + k, v));
            if (segmentation != null) segmentation.run(f, progress).summary().forEach((k, v) -> out.put("val/" + k, v));
            return out;
        };
    }
}
