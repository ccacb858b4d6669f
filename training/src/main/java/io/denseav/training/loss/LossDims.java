package io.denseav.training.loss;

/**
 * The shapes every loss builder needs: audio features {@code [batch, code, 1, t]}, image features
 * {@code [batch, code, h, w]}, and {@code heads} contiguous channel blocks of {@code code / heads} (spec §2.3).
 */
public record LossDims(int batch, int heads, long code, int h, int w, int t) {
    public LossDims {
        if (batch < 1 || heads < 1 || h < 1 || w < 1 || t < 1) throw new IllegalArgumentException("empty shape " + this);
        if (code % heads != 0) throw new IllegalArgumentException("code " + code + " is not divisible by " + heads + " heads");
    }

    /** Channels per head. */
    public long headDim() {
        return code / heads;
    }

    /** Image locations per image. */
    public int hw() {
        return h * w;
    }
}
