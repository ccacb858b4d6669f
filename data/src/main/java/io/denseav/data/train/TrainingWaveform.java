package io.denseav.data.train;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.augment.AudioAugment;
import io.denseav.data.readers.RawItem;
import io.denseav.data.readers.RawReader;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code prep_waveform}'s training path (reference §5.4, in its order): a piece of another clip spliced in (the
 * positive mask), zero padding or truncation to the clip length, the random window, then Wav2Vec2's normalisation.
 */
final class TrainingWaveform {
    private final boolean splice;
    private final double spliceP;
    private final int spliceMin;
    private final int spliceMax;
    private final double randomWindow;
    private final int samples;
    private final boolean normalize;

    TrainingWaveform(boolean splice, double spliceP, int spliceMin, int spliceMax, double randomWindow, int samples,
                     boolean normalize) {
        this.splice = splice;
        this.spliceP = spliceP;
        this.spliceMin = spliceMin;
        this.spliceMax = spliceMax;
        this.randomWindow = randomWindow;
        this.samples = samples;
        this.normalize = normalize;
    }

    /** {audio, mask, positive} of item {@code item}'s 16 kHz {@code clip}; negatives come from {@code part}. */
    float[][] apply(float[] clip, RawReader part, int item, SplittableRandom rnd) {
        float[] wave = clip;
        float[] pos = null;
        if (splice && (spliceP >= 1 || rnd.nextDouble() < spliceP)) {
            float[] negative = otherAudio(part, item, rnd);
            if (negative != null) {
                AudioAugment.Spliced s = AudioAugment.spliceNegative(wave, negative, spliceMin, spliceMax, rnd);
                wave = s.audio();
                pos = s.positive();
            }
        }
        int valid = Math.min(wave.length, samples);
        float[] audio = Arrays.copyOf(wave, samples); // zero padding at the end, or the first samples
        float[] mask = new float[samples];
        Arrays.fill(mask, 0, valid, 1f);
        float[] positive = new float[samples];
        if (pos == null) Arrays.fill(positive, 0, valid, 1f);
        else System.arraycopy(pos, 0, positive, 0, valid);
        if (randomWindow > 0) AudioAugment.randomWindow(audio, mask, randomWindow, rnd);
        if (normalize) AudioPreprocessor.normalize(audio);
        return new float[][] {audio, mask, positive};
    }

    /** The 16 kHz clip of another item of {@code part}, or null if there is none or all tried were bad. */
    private static float[] otherAudio(RawReader part, int item, SplittableRandom rnd) {
        if (part.size() < 2) return null;
        for (int t = 0; t < TrainingSamples.OTHER_DRAWS; t++) {
            RawItem other = part.raw(TrainingSamples.other(part.size(), item, rnd), rnd.split());
            if (other != null) return other.audio();
        }
        return null;
    }
}
