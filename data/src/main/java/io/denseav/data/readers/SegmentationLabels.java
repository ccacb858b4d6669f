package io.denseav.data.readers;

import io.denseav.data.ImageFiles;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.RgbImage;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ADE20K full-index class maps (reference §7.1): class = ⌊R/10⌋·256 + G of the {@code _seg.png}, resized with
 * PIL's NEAREST so that the shorter side is 224 ({@link ImagePreprocessor#resizedSize}) and centre-cropped to
 * 224 x 224 ({@link ImagePreprocessor#centerCropOrigin}), the geometry of the image transform. Nearest resizing
 * commutes with the per-pixel decoding, so decoding first is exact.
 */
public final class SegmentationLabels {
    /** ADE20K's full class count ({@code num_classes} in the reference). */
    public static final int NUM_CLASSES = 3662;

    private SegmentationLabels() {
    }

    /** The class of one annotation pixel. */
    public static int decode(int r, int g) {
        return (r / 10) * 256 + g;
    }

    /** Reads {@code segPng} and returns its {@code [size, size]} int32 class map. */
    public static INDArray read(Path segPng, int size) {
        return Nd4j.create(transform(ImageFiles.read(segPng), size), new long[] {size, size}, DataType.INT32);
    }

    /** Decoded, resized and cropped classes, row-major {@code size * size}. */
    public static int[] transform(RgbImage seg, int size) {
        int w = seg.width(), h = seg.height();
        int[] wh = ImagePreprocessor.resizedSize(w, h, size);
        int[] xs = nearestIndex(w, wh[0]), ys = nearestIndex(h, wh[1]);
        int[] tl = ImagePreprocessor.centerCropOrigin(wh[0], wh[1], size);
        int[] out = new int[size * size];
        for (int y = 0; y < size; y++) {
            int sy = ys[tl[0] + y];
            for (int x = 0; x < size; x++) {
                int sx = xs[tl[1] + x];
                out[y * size + x] = decode(seg.get(sx, sy, 0), seg.get(sx, sy, 1));
            }
        }
        return out;
    }

    /**
     * PIL's nearest resize source indices ({@code ImagingScaleAffine}): the coordinate starts at
     * {@code scale * 0.5} and grows by {@code scale = in / out} per output pixel, truncated; identity if equal.
     */
    static int[] nearestIndex(int in, int out) {
        int[] idx = new int[out];
        if (in == out) {
            for (int i = 0; i < out; i++) idx[i] = i;
            return idx;
        }
        double scale = (double) in / out, pos = scale * 0.5;
        for (int i = 0; i < out; i++, pos += scale) idx[i] = Math.min((int) pos, in - 1);
        return idx;
    }
}
