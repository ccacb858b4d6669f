package io.denseav.data.train;

import io.denseav.data.readers.Sample;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One augmented training item (reference §4.2, §5.4), all float32: {@code image} {@code [3, S, S]}
 * (ImageNet-normalised, S = 224), {@code imageMask} {@code [1, S, S]} (1 on the positive quadrant of a quad-mixup grid, all ones otherwise),
 * {@code audio}, {@code audioMask} and {@code positiveMask} {@code [L]} (L = 164200; the positive mask is below 1 where
 * negative audio was spliced in and 0 in the padding), the {@code source} label (0 = speech, 1 = sound) and the
 * {@code id} of the item it was made from.
 */
public record TrainingSample(INDArray image, INDArray imageMask, INDArray audio, INDArray audioMask,
                             INDArray positiveMask, int source, String id) {
    public TrainingSample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imageMask, "imageMask");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(audioMask, "audioMask");
        Objects.requireNonNull(positiveMask, "positiveMask");
        Objects.requireNonNull(id, "id");
    }

    /** The fields an evaluation {@link Sample} has. */
    public Sample sample() {
        return new Sample(image, audio, audioMask, source, null, null, id);
    }
}
