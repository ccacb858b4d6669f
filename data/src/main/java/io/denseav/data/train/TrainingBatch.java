package io.denseav.data.train;

import io.denseav.data.readers.Batches;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stacked {@link TrainingSample}s: {@code images [B, 3, S, S]}, {@code imageMasks [B, 1, S, S]}, {@code audio},
 * {@code audioMask} and {@code positiveMask [B, L]} (float32), {@code source [B]} (int32), and the samples.
 */
public record TrainingBatch(INDArray images, INDArray imageMasks, INDArray audio, INDArray audioMask,
                            INDArray positiveMask, INDArray source, List<TrainingSample> samples) {
    public int size() {
        return samples.size();
    }

    /** Stacks non-empty {@code samples}; the fields an evaluation sample also has go through {@link Batches#stack}. */
    public static TrainingBatch stack(List<TrainingSample> samples) {
        Batches.Batch b = Batches.stack(samples.stream().map(TrainingSample::sample).toList());
        INDArray imageMasks = Nd4j.stack(0, samples.stream().map(TrainingSample::imageMask).toArray(INDArray[]::new));
        INDArray positive = Nd4j.stack(0, samples.stream().map(TrainingSample::positiveMask).toArray(INDArray[]::new));
        return new TrainingBatch(b.images(), imageMasks, b.audio(), b.audioMask(), positive, b.source(),
                List.copyOf(samples));
    }
}
