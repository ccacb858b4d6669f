package io.denseav.evaluation.protocols;

import io.denseav.evaluation.metrics.AveragePrecision;
import io.denseav.evaluation.metrics.Disentanglement;
import io.denseav.graphs.DenseAv;
import io.denseav.modelimport.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The two-head disentanglement metrics (reference §7.3, only for K = 2): the paired per-head MISA scores of speech
 * items (label 0; the reference's 1000 Places clips) and sound items (label 1; 1000 AudioSet clips) from a pairs
 * manifest, each kind subsampled as the reference does (seed-0 permutation, 1000 or all), then
 * {@link Disentanglement#of}: summary {@code pred_dis} (the reference's {@code hp/ap_dis}) and {@code act_dis}.
 */
public final class DisentanglementEval {
    private final ProtocolBuilder.Selection sel;
    private final String split;

    private DisentanglementEval(Builder b) {
        this.sel = b.selection();
        this.split = b.split;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code setData} (a pairs manifest with a {@code label} column, 0 speech, 1 sound, or a folder holding
     * {@code pairs.csv}) is required; default: all splits, 1000 items (or all) of each kind ({@code optSubset} counts
     * per kind).
     */
    public static final class Builder extends PairsProtocolBuilder<Builder> {
        @Override
        Builder self() {
            return this;
        }

        public DisentanglementEval build() {
            return new DisentanglementEval(this);
        }
    }

    public EvalResult run(Features features, Progress progress) {
        DenseAv model = features.model();
        int k = model.config().heads();
        if (k != 2) {
            throw new EvaluationException("disentanglement needs a model with 2 similarity heads; this one has K = " + k);
        }
        Path csv = PairManifest.locate(sel.data());
        List<PairManifest.Pair> pairs = PairManifest.read(csv, split);
        if (pairs.stream().anyMatch(p -> p.label() < 0)) {
            throw new EvaluationException(csv + ": disentanglement needs a 'label' column (0 speech, 1 sound)");
        }
        List<PairManifest.Pair> items = new ArrayList<>();
        int[] counts = new int[2];
        for (int label = 0; label < 2; label++) {
            int l = label;
            List<PairManifest.Pair> kind = pairs.stream().filter(p -> p.label() == l).toList();
            String what = label == 0 ? "speech items (label 0)" : "sound items (label 1)";
            int[] chosen = sel.choose(kind.size(), Subsets.DEFAULT, what);
            IntStream.of(chosen).mapToObj(kind::get).forEach(items::add);
            counts[label] = chosen.length;
        }
        float[][] scores = new float[items.size()][];
        boolean[] isSound = new boolean[items.size()];
        progress.start("disentanglement: paired scores", items.size());
        for (int i = 0; i < items.size(); i++) {
            PairManifest.Pair p = items.get(i);
            Features.Audio a = features.audio(p.audio());
            // paired per-head MISA: the model's own [1, 1, K] score of the pair (agg_heads=False)
            scores[i] = model.scores(a.feats(), a.mask(), features.image(p.image()), null).reshape(k).toFloatVector();
            isSound[i] = p.label() == 1;
            progress.step(1);
        }
        progress.done();
        Disentanglement.Result d = Disentanglement.of(scores, isSound);
        EvalResult r = new EvalResult("disentanglement");
        r.setting("data", csv.toString());
        r.setting("split", split);
        r.setting("subset", sel.subset());
        r.setting("speech_items", counts[0]);
        r.setting("sound_items", counts[1]);
        r.setting("subset_rule", "per kind: np.random.seed(0); np.random.permutation(n)[:subset], default 1000");
        r.setting("scores", "paired per-head MISA (max over h, w; masked mean over t), each head min-max normalised over all items");
        r.setting("feature_cache", features.isCached());
        r.putSummary("pred_dis", d.predDis());
        r.putSummary("act_dis", d.actDis());
        List<String> heads = List.of("head 0", "head 1"), sets = List.of("speech (label 0)", "sound (label 1)");
        r.addTable(new EvalResult.Table("AP of each head's score for each kind", heads, sets, d.ap()));
        r.addTable(new EvalResult.Table("Act: 1 − mean normalised score of each head on each kind", heads, sets, d.act()));
        for (int h = 0; h < 2; h++) {
            float[] s = new float[scores.length];
            for (int i = 0; i < s.length; i++) s[i] = scores[i][h];
            boolean[] speech = new boolean[isSound.length];
            for (int i = 0; i < speech.length; i++) speech[i] = !isSound[i];
            for (int set = 0; set < 2; set++) {
                boolean[] pos = set == 0 ? speech : isSound;
                if (IntStream.range(0, pos.length).anyMatch(i -> pos[i])) {
                    r.addCurve(new EvalResult.Curve("head " + h + " → " + sets.get(set),
                            AveragePrecision.curve(s, pos, 120), d.ap()[h][set]));
                }
            }
        }
        return r;
    }
}
