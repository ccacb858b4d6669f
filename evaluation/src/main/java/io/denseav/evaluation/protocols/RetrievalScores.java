package io.denseav.evaluation.protocols;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The all-pairs MISA scores of {@code DenseAv.scores} (reference §3.1, §3.3, §7.2) as tiled GEMMs: per head k, the
 * patches of a block of images {@code [v·hw, c]} times the frames of a block of clips {@code [c, a·T]} is one
 * GEMM whose output rows are patches; the max over the hw patches of each image is then an elementwise max of
 * contiguous rows (a vectorised Java loop, about a quarter of a nanosecond per value, where ND4J's strided
 * reductions took ten times that), followed by the masked mean over time, Σ<sub>t</sub> x·m / max(Σ m, 0.001).
 * Tiles of about 2048 frames × 3136 patches keep the GEMM output (25 MB) near the cache and the GEMM at its large-
 * matrix rate, where {@code DenseAv.scores} materialises and reduces the volume of whole images through SameDiff.
 * Same numbers up to float32 summation order ({@code RetrievalScoresTest}); {@code denseav bench retrieval} times
 * both.
 *
 * <pre>{@code INDArray s = RetrievalScores.sum(audioFeats, frameMask, imageFeats, 2); // [A, V] retrieval scores}</pre>
 */
public final class RetrievalScores {
    /** MISA's smallest mask mass, max(Σ m, 0.001). */
    static final float MIN_MASS = 0.001f;
    /** Target GEMM tile: about this many audio frames (whole clips) by this many image patches (whole images). */
    static final int FRAMES = 2048;
    static final int PATCHES = 3136;

    private RetrievalScores() {
    }

    /** {@code [A, V]}: Σ<sub>k</sub> MISA<sub>k</sub>(a, v), the retrieval score (HeadAgg.SUM). */
    public static INDArray sum(INDArray audio, INDArray mask, INDArray image, int heads) {
        return compute(audio, mask, image, heads, true, FRAMES, PATCHES);
    }

    /** {@code [A, V, K]}: MISA per head (agg null). */
    public static INDArray perHead(INDArray audio, INDArray mask, INDArray image, int heads) {
        return compute(audio, mask, image, heads, false, FRAMES, PATCHES);
    }

    /**
     * @param audio       {@code [A, code, 1, T]} aligned audio features
     * @param mask        {@code [A, T]} frame validity (0/1)
     * @param image       {@code [V, code, h, w]} aligned image features
     * @param tileFrames  about how many audio frames (whole clips, at least one) per GEMM
     * @param tilePatches about how many image patches (whole images, at least one) per GEMM
     */
    static INDArray compute(INDArray audio, INDArray mask, INDArray image, int heads, boolean sum, int tileFrames,
                            int tilePatches) {
        if (audio.rank() != 4 || image.rank() != 4 || mask.rank() != 2) {
            throw new IllegalArgumentException("expected audio [A, code, 1, T], mask [A, T], image [V, code, h, w]");
        }
        int clips = (int) audio.size(0), code = (int) audio.size(1), t = (int) audio.size(3);
        int images = (int) image.size(0), hw = (int) (image.size(2) * image.size(3));
        if (image.size(1) != code || code % heads != 0 || mask.size(0) != clips || mask.size(1) != t) {
            throw new IllegalArgumentException("shapes do not match: audio " + java.util.Arrays.toString(audio.shape())
                    + ", mask " + java.util.Arrays.toString(mask.shape()) + ", image "
                    + java.util.Arrays.toString(image.shape()) + ", " + heads + " heads");
        }
        int c = code / heads;
        float[][] m = mask.castTo(DataType.FLOAT).toFloatMatrix();
        float[] mass = new float[clips];
        for (int a = 0; a < clips; a++) {
            float s = 0;
            for (float v : m[a]) s += v;
            mass[a] = Math.max(s, MIN_MASS);
        }
        float[][][] out = new float[clips][images][sum ? 1 : heads];
        int ac = Math.max(1, Math.min(clips, tileFrames / t));
        int vc = Math.max(1, Math.min(images, tilePatches / hw));
        INDArray a3 = (audio.dataType() == DataType.FLOAT ? audio : audio.castTo(DataType.FLOAT)).reshape(clips, code, t);
        INDArray v3 = (image.dataType() == DataType.FLOAT ? image : image.castTo(DataType.FLOAT)).reshape(images, code, hw);
        INDArray buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) vc * hw * ac * t}, 'c');
        float[] maxes = new float[ac * t], row = new float[ac * t];
        for (int k = 0; k < heads; k++) {
            // frames as columns: one contiguous [c, a·T] block per clip tile (all of them: A·T·c floats per head)
            List<INDArray> framesT = new ArrayList<>();
            for (int a0 = 0; a0 < clips; a0 += ac) {
                framesT.add(a3.get(NDArrayIndex.interval(a0, Math.min(clips, a0 + ac)), NDArrayIndex.interval(k * c, (k + 1) * c),
                        NDArrayIndex.all()).permute(1, 0, 2).dup('c').reshape(c, (long) Math.min(ac, clips - a0) * t));
            }
            for (int v0 = 0; v0 < images; v0 += vc) {
                int nv = Math.min(vc, images - v0);
                // patches as rows (v, p): [nv·hw, c], copied once per image tile
                INDArray vTile = v3.get(NDArrayIndex.interval(v0, v0 + nv), NDArrayIndex.interval(k * c, (k + 1) * c),
                        NDArrayIndex.all()).permute(0, 2, 1).dup('c').reshape((long) nv * hw, c);
                for (int tile = 0, a0 = 0; a0 < clips; a0 += ac, tile++) {
                    int na = Math.min(ac, clips - a0), frames = na * t;
                    INDArray g = buffer.get(NDArrayIndex.interval(0, (long) nv * hw * frames)).reshape(nv * hw, frames);
                    Nd4j.gemm(vTile, framesT.get(tile), g, false, false, 1.0, 0.0);               // [nv·hw, na·T]
                    FloatBuffer fb = g.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
                    for (int i = 0; i < nv; i++) {
                        spatialMax(fb, i * hw, hw, frames, maxes, row);                            // max over h, w
                        for (int a = 0; a < na; a++) {                                            // masked mean over t
                            float acc = 0;
                            float[] ma = m[a0 + a];
                            for (int j = 0; j < t; j++) acc += maxes[a * t + j] * ma[j];
                            float score = acc / mass[a0 + a];
                            if (sum) out[a0 + a][v0 + i][0] += score;
                            else out[a0 + a][v0 + i][k] = score;
                        }
                    }
                }
            }
        }
        if (!sum) return Nd4j.create(out);
        float[][] s = new float[clips][images];
        for (int a = 0; a < clips; a++) for (int v = 0; v < images; v++) s[a][v] = out[a][v][0];
        return Nd4j.create(s);
    }

    /** {@code maxes[f] = max over p < hw of g[first + p][f]} for a c-order GEMM output with {@code frames} columns. */
    private static void spatialMax(FloatBuffer g, int first, int hw, int frames, float[] maxes, float[] row) {
        FloatBuffer d = g.duplicate();
        d.position(first * frames);
        d.get(maxes, 0, frames);
        for (int p = 1; p < hw; p++) {
            d.get(row, 0, frames); // rows are consecutive: the bulk copy is a memcpy, the loop below vectorises
            for (int f = 0; f < frames; f++) maxes[f] = Math.max(maxes[f], row[f]);
        }
    }
}
