package io.denseav.data;

import java.util.Objects;

/**
 * Decoded audio: the samples of the file's <em>first</em> channel as floats (integer PCM scaled by
 * {@code 1 / 2^(bits-1)}, unsigned 8-bit centred on 128; float formats as stored, not clipped), the file's
 * sample rate and how many channels it had. This is {@code torchaudio.load(file)[0][0]}, DenseAV's loader.
 */
public record Audio(float[] samples, int sampleRate, int channels) {
    public Audio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate " + sampleRate);
        if (channels <= 0) throw new IllegalArgumentException("channels " + channels);
    }

    /** Duration in seconds. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
