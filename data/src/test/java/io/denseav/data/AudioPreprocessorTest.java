package io.denseav.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/** DenseAV's prep_waveform + HubertAudioTransform, against the same steps in torchaudio and numpy. */
class AudioPreprocessorTest {
    static Stream<Arguments> cases() {
        return Goldens.cases("audio_preprocess", "golden_valid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(String name, JsonNode e) {
        JsonNode target = e.get("target_samples");
        AudioPreprocessor p = target.isNull() ? AudioPreprocessor.unpadded() : AudioPreprocessor.padded(target.asInt());
        PreprocessedAudio out = p.apply(Goldens.path(e.get("input").asText()));
        int length = e.get("length").asInt(), valid = e.get("valid_samples").asInt();
        assertArrayEquals(new long[] {1, length}, out.audio().shape());
        assertArrayEquals(new long[] {1, length}, out.mask().shape());
        assertEquals(DataType.FLOAT, out.audio().dataType());
        assertEquals(valid, out.validSamples());
        float[] x = Goldens.flat(out.audio()), mask = Goldens.flat(out.mask());
        float[] want = Goldens.npy(e.get("golden_valid").asText());
        double d = Goldens.maxAbsDiff(want, Arrays.copyOf(x, valid)), scale = Goldens.maxAbs(want);
        System.out.printf("%s target %s: max |diff| %.3g (%.3g of max |ref|)%n", e.get("input").asText(), target, d,
                d / scale);
        assertTrue(d <= 1e-5 * scale, "max |diff| " + d);
        for (int i = 0; i < length; i++) assertEquals(i < valid ? 1f : 0f, mask[i], "mask " + i);
        if (e.has("pad_value")) {
            for (int i = valid; i < length; i++) assertEquals(e.get("pad_value").asDouble(), x[i], 1e-5 * scale);
        }
    }

    @Test
    void withoutNormalisationIsTheResampledClipZeroPadded() {
        Audio a = AudioLoader.load(Goldens.path("audio/s16_44100_stereo.wav"));
        float[] resampled = Resampler.resample(a.samples(), 44100, 16000);
        PreprocessedAudio p = AudioPreprocessor.denseav().normalized(false).apply(a);
        assertEquals(AudioPreprocessor.DENSEAV_SAMPLES, p.length());
        assertArrayEquals(Arrays.copyOf(resampled, AudioPreprocessor.DENSEAV_SAMPLES), Goldens.flat(p.audio()));
        assertArrayEquals(resampled, Goldens.flat(AudioPreprocessor.unpadded().normalized(false).apply(a).audio()));
    }

    @Test
    void normalisedClipHasZeroMeanAndUnitVariance() {
        Audio a = AudioLoader.load(Goldens.path("audio/u8_8000_mono.wav"));
        float[] x = Goldens.flat(AudioPreprocessor.unpadded().apply(a).audio());
        double mean = 0, var = 0;
        for (float v : x) mean += v / (double) x.length;
        for (float v : x) var += (v - mean) * (v - mean) / x.length;
        assertEquals(0, mean, 1e-6);
        assertEquals(1, var, 1e-5);
    }
}
