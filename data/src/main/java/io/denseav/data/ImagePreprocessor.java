package io.denseav.data;

import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Image file to DINO input: an INDArray {@code [1, 3, H, W]} float32, {@code (pixel / 255 - mean) / std} with the
 * ImageNet mean and std, computed in float32 exactly as {@code ToTensor} + {@code Normalize} do.
 * <p>Two geometries from the DenseAV reference (§1.1):
 * <ul>
 *   <li>{@link #evaluation()}: {@code Resize(224)} (shorter side, PIL bilinear) then {@code CenterCrop(224)}, the
 *       train/validation transform;</li>
 *   <li>{@link #demo(int)}: {@code Resize(224)} then {@code crop_to_divisor(patch)} (bottom/right cropped to a
 *       multiple of the patch), the demo/gradio transform; any aspect ratio.</li>
 * </ul>
 * {@link #keepingDivisibleSizes()} skips the resize for pictures whose sides are already multiples of the patch.
 * <pre>{@code
 * INDArray x = ImagePreprocessor.demo(8).apply(Path.of("dog.jpg"));   // [1, 3, 224, 296] for a 4:3 photo
 * }</pre>
 * Note: gradio_app resizes uint8 video-frame <em>tensors</em>, not PIL images; with torchvision >= 0.17 that is
 * antialiased bilinear in float and agrees with PIL to one level, with torchvision <= 0.16 it is not antialiased.
 */
public final class ImagePreprocessor {
    /** DenseAV's {@code load_size}. */
    public static final int LOAD_SIZE = 224;
    /** ImageNet mean and std, as float32 (what {@code Normalize} turns the Python floats into). */
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final float[][] LUT = normalisationTable();

    private final int loadSize;
    private final int patch;
    private final boolean centerCrop;
    private final boolean keepDivisible;

    private ImagePreprocessor(int loadSize, int patch, boolean centerCrop, boolean keepDivisible) {
        if (loadSize <= 0 || patch <= 0 || patch > loadSize) {
            throw new IllegalArgumentException("load size " + loadSize + ", patch " + patch);
        }
        this.loadSize = loadSize;
        this.patch = patch;
        this.centerCrop = centerCrop;
        this.keepDivisible = keepDivisible;
    }

    /** {@code Resize(224)} + {@code CenterCrop(224)}: the evaluation transform, always 224 x 224. */
    public static ImagePreprocessor evaluation() {
        return new ImagePreprocessor(LOAD_SIZE, 1, true, false);
    }

    /** {@code Resize(224)} + {@code crop_to_divisor(patchSize)}: the demo transform (patch 8 for DINO ViT-S/8). */
    public static ImagePreprocessor demo(int patchSize) {
        return new ImagePreprocessor(LOAD_SIZE, patchSize, false, false);
    }

    /** The same transform with another shorter-side size. */
    public ImagePreprocessor withLoadSize(int size) {
        return new ImagePreprocessor(size, patch, centerCrop, keepDivisible);
    }

    /** The same transform, except that a picture whose sides are both multiples of the patch is used as it is. */
    public ImagePreprocessor keepingDivisibleSizes() {
        if (centerCrop) throw new IllegalStateException("the evaluation transform always crops to a square");
        return new ImagePreprocessor(loadSize, patch, false, true);
    }

    /** Reads, transforms and normalises an image file: {@code [1, 3, H, W]} float32. */
    public INDArray apply(Path file) {
        return toTensor(read(file));
    }

    /** Reads and transforms an image file; a picture smaller than one patch is a {@link DataException} naming it. */
    public RgbImage read(Path file) {
        try {
            return transform(ImageFiles.read(file));
        } catch (IllegalArgumentException e) {
            throw new DataException(file, e.getMessage());
        }
    }

    /** The geometric part only (resize and crop), on 8-bit pixels. */
    public RgbImage transform(RgbImage img) {
        int w = img.width(), h = img.height();
        if (w < patch || h < patch) {
            throw new IllegalArgumentException("image is " + w + "x" + h + ", smaller than one " + patch + "x" + patch + " patch");
        }
        if (keepDivisible && w % patch == 0 && h % patch == 0) return img;
        int[] size = resizedSize(w, h, loadSize);
        RgbImage r = size[0] == w && size[1] == h ? img : PilBilinear.resize(img, size[0], size[1]);
        if (centerCrop) {
            int[] tl = centerCropOrigin(r.width(), r.height(), loadSize);
            return r.crop(tl[0], tl[1], loadSize, loadSize);
        }
        int ch = patch * (r.height() / patch), cw = patch * (r.width() / patch);
        if (ch == 0 || cw == 0) throw new IllegalArgumentException("image smaller than one patch: " + w + "x" + h);
        return r.crop(0, 0, ch, cw);
    }

    /** {@code ToTensor} + {@code Normalize(ImageNet)} of 8-bit pixels: {@code [1, 3, H, W]} float32. */
    public static INDArray toTensor(RgbImage img) {
        int w = img.width(), h = img.height(), plane = w * h;
        byte[] px = img.rgb();
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = LUT[0][px[3 * i] & 0xFF];
            out[plane + i] = LUT[1][px[3 * i + 1] & 0xFF];
            out[2 * plane + i] = LUT[2][px[3 * i + 2] & 0xFF];
        }
        return Nd4j.create(out, new long[] {1, 3, h, w}, DataType.FLOAT);
    }

    /**
     * torchvision 0.14 {@code _compute_resized_output_size} for {@code Resize(size)}: the shorter side becomes
     * {@code size}, the longer {@code int(size * long / short)} (truncated). Returns {width, height}.
     */
    public static int[] resizedSize(int width, int height, int size) {
        int shortSide = Math.min(width, height), longSide = Math.max(width, height);
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        return width <= height ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    /** torchvision {@code center_crop}: {@code int(round((H - size) / 2.0))}, Python's round half to even. Returns {top, left}. */
    public static int[] centerCropOrigin(int width, int height, int size) {
        return new int[] {(int) Math.rint((height - size) / 2.0), (int) Math.rint((width - size) / 2.0)};
    }

    /** {@code (float(v) / 255 - mean) / std} in float32 for every byte value and channel. */
    private static float[][] normalisationTable() {
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) lut[c][v] = ((float) v / 255f - MEAN[c]) / STD[c];
        }
        return lut;
    }
}
