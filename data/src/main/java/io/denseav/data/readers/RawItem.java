package io.denseav.data.readers;

import io.denseav.data.RgbImage;
import java.util.Objects;

/**
 * One item before any training transform: the decoded picture at its own size, the clip's first channel resampled to
 * 16 kHz but neither padded nor normalised, the source label (0 = speech, 1 = sound) and an id naming where it came
 * from. {@link io.denseav.data.train.TrainingSamples} augments these (reference §5.4).
 */
public record RawItem(RgbImage image, float[] audio, int source, String id) {
    public RawItem {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(id, "id");
    }
}
