package io.denseav.training.dl4j;

import io.denseav.data.FrameMask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one input row per example that {@link DenseAvLayer} takes (a SameDiffLayer has a single input,
 * dl4j-samediff.md §4): {@code [image 3·S·S | audio L | aligned frame mask T_a]}, the image flattened in C order.
 * Users' iterators pack their (images, audio, audio mask) batches with {@link #pack} or {@link #dataSet}.
 *
 * @param imageSize S, the side of the normalised square images
 * @param samples   L, the 16 kHz samples of every clip
 * @param frames    T_a, the aligned audio frames of L samples
 */
public record PackedInput(int imageSize, int samples, int frames) {

    public long audioOffset() {
        return 3L * imageSize * imageSize;
    }

    public long maskOffset() {
        return audioOffset() + samples;
    }

    /** Width of a packed row. */
    public long width() {
        return maskOffset() + frames;
    }

    /**
     * Packs normalised images {@code [B, 3, S, S]}, audio {@code [B, L]} and its sample mask {@code [B, L]} (1 = real
     * sample; null = all real) into {@code [B, width]}. The mask is mapped to aligned frames as the reference does
     * ({@link FrameMask#of}, denseav-reference.md §3).
     */
    public INDArray pack(INDArray images, INDArray audio, INDArray audioMask) {
        long b = images.size(0);
        if (images.rank() != 4 || images.size(1) != 3 || images.size(2) != imageSize || images.size(3) != imageSize) {
            throw new IllegalArgumentException("images must be [B, 3, " + imageSize + ", " + imageSize + "], got "
                    + java.util.Arrays.toString(images.shape()));
        }
        if (audio.rank() != 2 || audio.size(0) != b || audio.size(1) != samples) {
            throw new IllegalArgumentException("audio must be [" + b + ", " + samples + "], got " + java.util.Arrays.toString(audio.shape()));
        }
        INDArray frameMask = audioMask == null ? Nd4j.ones(DataType.FLOAT, b, frames) : FrameMask.of(audioMask, frames);
        return Nd4j.concat(1, images.castTo(DataType.FLOAT).reshape('c', b, audioOffset()), audio.castTo(DataType.FLOAT),
                frameMask.castTo(DataType.FLOAT));
    }

    /**
     * A DataSet of packed features. The InfoNCE loss reads no labels, but M2.1's SameDiffOutputLayer needs an array
     * there ({@link InfoNceOutputLayer#labelsRequired()}), so the labels are a {@code [B, 1]} array of zeros.
     */
    public DataSet dataSet(INDArray images, INDArray audio, INDArray audioMask) {
        INDArray features = pack(images, audio, audioMask);
        return new DataSet(features, Nd4j.zeros(DataType.FLOAT, features.size(0), 1));
    }
}
