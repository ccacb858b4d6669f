package io.denseav.evaluation.protocols;

import io.denseav.data.DataException;
import io.denseav.evaluation.viz.Interpolate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference's heat-map arithmetic, in float32 as torch does it (denseav-reference.md §7.1, {@code prep_heatmap}):
 * max over heads, the masked time mean, one global min-max over the whole evaluation, bilinear upsampling to 224².
 * Shared by the prompted-segmentation and localisation protocols.
 */
final class HeatmapMath {
    private HeatmapMath() {
    }

    /** {width, height} from the file's header. */
    static int[] imageSize(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new DataException(file, "not a readable image");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) throw d;
            throw new DataException(file, "corrupt or unsupported image data: " + e.getMessage(), e);
        }
    }

    /** {@code [1, K, h, w, T]} → max over heads {@code [h][w][T]} (the reference's agg_heads=True, then mean over f = 1). */
    static float[][][] headMax(INDArray paired) {
        long[] s = paired.shape();
        int k = (int) s[1], h = (int) s[2], w = (int) s[3], t = (int) s[4];
        float[] v = paired.reshape(-1).toFloatVector();
        float[][][] out = new float[h][w][t];
        int plane = h * w * t;
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int j = 0; j < t; j++, o++) {
                    float m = v[o];
                    for (int head = 1; head < k; head++) m = Math.max(m, v[head * plane + o]);
                    out[y][x][j] = m;
                }
            }
        }
        return out;
    }

    /** {@code prep_heatmap}'s Σ<sub>t</sub> x·m / Σ<sub>t</sub> m per pixel, in float32. */
    static float[][] maskedTimeMean(float[][][] sims, float[] mask) {
        float mass = 0;
        for (float m : mask) mass += m;
        float[][] out = new float[sims.length][sims[0].length];
        for (int y = 0; y < sims.length; y++) {
            for (int x = 0; x < sims[0].length; x++) {
                float acc = 0;
                float[] s = sims[y][x];
                for (int t = 0; t < s.length; t++) acc += s[t] * mask[t];
                out[y][x] = acc / mass;
            }
        }
        return out;
    }

    /**
     * {@code hm -= hm.min(); hm /= hm.max()} over all maps at once (float32, in place), the reference's one
     * min-max over the whole evaluation tensor. Returns {min, max after the shift}.
     */
    public static float[] globalMinMax(float[][][] maps) {
        float min = Float.POSITIVE_INFINITY;
        for (float[][] m : maps) for (float[] row : m) for (float v : row) min = Math.min(min, v);
        float max = Float.NEGATIVE_INFINITY;
        for (float[][] m : maps) {
            for (float[] row : m) {
                for (int x = 0; x < row.length; x++) {
                    row[x] -= min;
                    max = Math.max(max, row[x]);
                }
            }
        }
        for (float[][] m : maps) for (float[] row : m) for (int x = 0; x < row.length; x++) row[x] /= max;
        return new float[] {min, max};
    }

    static float[][] upsample(float[][] map) {
        return Interpolate.resize(map, PromptedSegmentation.SIZE, PromptedSegmentation.SIZE, Interpolate.Mode.BILINEAR);
    }
}
