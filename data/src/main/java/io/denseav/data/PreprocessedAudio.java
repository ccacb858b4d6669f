package io.denseav.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HuBERT input: {@code audio} {@code [1, L]} float32 at 16 kHz and its validity {@code mask} {@code [1, L]}
 * float32 (1 for real samples, 0 for zero padding), with the number of real samples.
 */
public record PreprocessedAudio(INDArray audio, INDArray mask, int validSamples) {
    /** L, the length of the (padded or truncated) clip in samples. */
    public long length() {
        return audio.size(1);
    }
}
