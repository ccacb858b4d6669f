package io.denseav.evaluation.protocols;

import io.denseav.evaluation.metrics.Recall;
import io.denseav.modelimport.Progress;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-modal retrieval (reference §7.2): for the pairs of a manifest (the reference's 1000-item subsets,
 * {@code np.random.seed(0)} permutation), S[A, V] = Σ<sub>k</sub> MISA<sub>k</sub>(a, v), the per-head scores
 * summed over heads without calibration ({@link RetrievalScores}, equal to {@code DenseAv.scores(..., SUM)}), and
 * recall@1/5/10 with row i's own picture as the true match of row i's clip:
 * {@code a2i_r1, a2i_r5, a2i_r10} (per clip, is its picture among the k best; the reference's {@code I_r@k}) and
 * {@code i2a_r1, i2a_r5, i2a_r10} (per picture, is its clip among the k best; {@code A_r@k}). A tie with a
 * duplicate of the true picture (TuxPaint-AV pairs one picture with several prompts) counts as found
 * ({@link Recall}).
 *
 * <pre>{@code
 * EvalResult r = Retrieval.builder().setData(Path.of("tuxpaint-av/pairs.csv")).optSplit("test").build()
 *         .run(features, Progress.NONE);
 * }</pre>
 */
public final class Retrieval {
    static final int[] KS = {1, 5, 10};

    private final ProtocolBuilder.Selection sel;
    private final String split;

    private Retrieval(Builder b) {
        this.sel = b.selection();
        this.split = b.split;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code setData} (a pairs manifest CSV or a folder holding {@code pairs.csv}) is required; default: all splits,
     * a 1000-item subset (all items if fewer).
     */
    public static final class Builder extends PairsProtocolBuilder<Builder> {
        @Override
        Builder self() {
            return this;
        }

        public Retrieval build() {
            return new Retrieval(this);
        }
    }

    public EvalResult run(Features features, Progress progress) {
        Path csv = PairManifest.locate(sel.data());
        List<PairManifest.Pair> pairs = PairManifest.read(csv, split);
        int[] chosen = sel.choose(pairs.size(), Subsets.DEFAULT, "pairs");
        List<PairManifest.Pair> items = java.util.stream.IntStream.of(chosen).mapToObj(pairs::get).toList();
        Stacked s = Stacked.of(items, features, progress, "retrieval: features");
        progress.start("retrieval: scores", 1);
        INDArray scores = RetrievalScores.sum(s.audio(), s.mask(), s.image(), features.model().config().heads());
        progress.step(1);
        progress.done();
        float[][] matrix = scores.toFloatMatrix();
        double[] a2i = Recall.atK(matrix, KS, Recall.Direction.AUDIO_TO_IMAGE);
        double[] i2a = Recall.atK(matrix, KS, Recall.Direction.IMAGE_TO_AUDIO);
        EvalResult r = new EvalResult("retrieval");
        r.setting("data", csv.toString());
        r.setting("split", split);
        r.setting("subset", items.size());
        r.setting("subset_of", pairs.size());
        r.setting("subset_rule", "np.random.seed(0); np.random.permutation(n)[:subset]");
        r.setting("score", "sum over the K heads of MISA (max over h, w; masked mean over t); no calibration");
        r.setting("heads", features.model().config().heads());
        r.setting("ties", "a tie with the true item counts as found (duplicate pictures or clips score equally)");
        r.setting("image", "Resize(224) + CenterCrop(224), eval mode");
        r.setting("audio", "16 kHz, zero-padded/truncated to " + features.model().clipSamples() + " samples, Wav2Vec2-normalised");
        r.setting("feature_cache", features.isCached());
        String[] names = {"r1", "r5", "r10"};
        for (int i = 0; i < KS.length; i++) r.putSummary("a2i_" + names[i], a2i[i]);
        for (int i = 0; i < KS.length; i++) r.putSummary("i2a_" + names[i], i2a[i]);
        r.addTable(new EvalResult.Table("Recall@k (" + items.size() + " pairs)",
                List.of("audio → image (a2i)", "image → audio (i2a)"), List.of("R@1", "R@5", "R@10"),
                new double[][] {a2i, i2a}));
        return r;
    }

    /** The features of pairs stacked along the batch axis, each distinct file computed once. */
    record Stacked(INDArray audio, INDArray mask, INDArray image) {
        static Stacked of(List<PairManifest.Pair> items, Features features, Progress progress, String task) {
            int n = items.size();
            INDArray[] a = new INDArray[n], m = new INDArray[n], v = new INDArray[n];
            java.util.Map<Path, INDArray> images = new java.util.HashMap<>();
            java.util.Map<Path, Features.Audio> clips = new java.util.HashMap<>();
            progress.start(task, n);
            for (int i = 0; i < n; i++) {
                PairManifest.Pair p = items.get(i);
                Features.Audio fa = clips.computeIfAbsent(p.audio(), features::audio);
                a[i] = fa.feats();
                m[i] = fa.mask();
                v[i] = images.computeIfAbsent(p.image(), features::image);
                progress.step(1);
            }
            progress.done();
            return new Stacked(Nd4j.concat(0, a), Nd4j.concat(0, m), Nd4j.concat(0, v));
        }
    }
}
