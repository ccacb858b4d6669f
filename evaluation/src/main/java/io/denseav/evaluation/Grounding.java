package io.denseav.evaluation;

import io.denseav.data.AudioPreprocessor;
import io.denseav.data.DataException;
import io.denseav.data.FrameMask;
import io.denseav.data.ImagePreprocessor;
import io.denseav.data.PreprocessedAudio;
import io.denseav.data.RgbImage;
import io.denseav.evaluation.viz.HeatmapOverlay;
import io.denseav.evaluation.viz.Interpolate;
import io.denseav.graphs.DenseAv;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * "Where in this picture is the thing making this sound?": one picture grounded by one clip, as the demo does it
 * (denseav-reference.md §6.4, §8.1). The picture takes the demo transform (shorter side 224, cropped to the patch),
 * the clip is padded to the model's length; the heat is the masked time mean of the head-max similarity.
 *
 * @param picture the transformed picture the maps are drawn over
 * @param volume  the paired volume {@code [K, h, w, T_a]}, mask applied
 * @param heat    {@code [h, w]}: max over heads, masked mean over time
 * @param perHead {@code [K, h, w]}: each head's masked time mean
 * @param mask    the frame mask {@code [1, T_a]}
 */
public record Grounding(RgbImage picture, INDArray volume, INDArray heat, INDArray perHead, INDArray mask) {

    /** Grounds {@code audio} in {@code image}; an empty, silent or too-short clip is a {@link DataException}. */
    public static Grounding of(DenseAv model, Path image, Path audio) {
        RgbImage picture = ImagePreprocessor.demo(model.config().image().patch()).read(image);
        PreprocessedAudio clip = AudioPreprocessor.padded(model.clipSamples()).apply(audio);
        requireAudible(audio, clip);
        INDArray v = model.imageFeatures(ImagePreprocessor.toTensor(picture));
        INDArray a = model.audioFeatures(clip.audio());
        INDArray mask = FrameMask.of(clip.mask(), (int) a.size(3));
        if (mask.sumNumber().doubleValue() == 0) throw new DataException(audio, "shorter than one aligned audio frame");
        INDArray volume = model.pairedVolume(a, mask, v).get(NDArrayIndex.point(0)); // [K, h, w, T]
        INDArray heat = model.heatmap(a, mask, v).get(NDArrayIndex.point(0));
        double mass = Math.max(mask.sumNumber().doubleValue(), 0.001); // MISA's clamped mask mass
        return new Grounding(picture, volume, heat, volume.sum(3).divi(mass), mask);
    }

    /** A silent clip normalises to zeros: there is no sound to ground, so say so rather than draw nothing. */
    public static void requireAudible(Path file, PreprocessedAudio clip) {
        if (clip.validSamples() == 0 || Transforms.abs(clip.audio()).maxNumber().doubleValue() == 0) {
            throw new DataException(file, "the clip is empty or silent: nothing to ground");
        }
    }

    /** The heat over the picture with the inferno colormap at alpha = value (min–max normalised). */
    public BufferedImage overlay() {
        return HeatmapOverlay.overlay(picture, heat, Interpolate.Mode.BILINEAR);
    }

    /** The 2-head picture: head 0 (language) red, head 1 (sound) blue. */
    public BufferedImage twoHead() {
        if (perHead.size(0) != 2) throw new IllegalStateException("a 2-head picture needs 2 heads, not " + perHead.size(0));
        return HeatmapOverlay.twoHead(picture, perHead.get(NDArrayIndex.point(0)), perHead.get(NDArrayIndex.point(1)),
                Interpolate.Mode.BILINEAR);
    }

    /** Each head's share of the total activation, Σ max(head, 0) over the map (which head answers this clip). */
    public double[] headActivity() {
        double[] out = new double[(int) perHead.size(0)];
        for (int k = 0; k < out.length; k++) {
            out[k] = Transforms.relu(perHead.get(NDArrayIndex.point(k)), true).sumNumber().doubleValue();
        }
        return out;
    }
}
