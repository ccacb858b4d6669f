package io.denseav.data.readers;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One evaluation item (reference §5.5, §7.1): {@code image} {@code [3, 224, 224]} float32 (ImageNet-normalised,
 * {@code Resize(224) + CenterCrop(224)}), {@code audio} and {@code audioMask} {@code [164200]} float32,
 * {@code source} (0 = speech, 1 = sound), for the ADE20K prompted sets the class map {@code labels}
 * {@code [224, 224]} int32 and the speech word {@code timing} {@code {start, end}} in seconds (else null), and an
 * {@code id} naming where it came from.
 */
public record Sample(INDArray image, INDArray audio, INDArray audioMask, int source, INDArray labels,
                     double[] timing, String id) {
    /** Source label of speech (PlacesAudio, ADE20K speech prompts). */
    public static final int SPEECH = 0;
    /** Source label of sound (AudioSet, ADE20K sound prompts). */
    public static final int SOUND = 1;

    public Sample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(audioMask, "audioMask");
        Objects.requireNonNull(id, "id");
        if (timing != null && timing.length != 2) throw new IllegalArgumentException("timing must be {start, end}");
    }
}
