package io.denseav.training.loss;

import io.denseav.graphs.SimilarityVolume;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DenseAV's training loss (denseav-reference.md §4, {@code LitAVAligner.loss} with {@code loss_type: "nce"}):
 * InfoNCE on the calibrated MISA scores plus the weighted regularisers of the paired volume. Usage:
 * <pre>{@code
 * LossSampling sampling = new LossSampling(seed);
 * DenseAvLoss.Terms loss = DenseAvLoss.build(inputs, dims, LossWeights.defaults());
 * sd.setLossVariables(loss.total().name());
 * }</pre>
 * Each term is a named scalar ({@code loss/nce}, {@code loss/tv}, … the reference's log keys) for logging. A term
 * that is off is not built and not in {@link Terms#terms()}, as in the reference: weight 0 (disentanglement by
 * default), specialisation for K = 1, silence L1 without rows (fewer than 250 masked-out frames), negative audio
 * without a positive mask, mixup without an image mask.
 */
public final class DenseAvLoss {
    public static final String TOTAL = "loss/total";
    public static final String NCE = "loss/nce";
    public static final String CAL_BALANCE = "loss/cal_balance";
    public static final String NONNEG = "loss/nonneg";
    public static final String SILENCE_L1 = "loss/silence_l1";
    public static final String NEG_AUDIO = "loss/neg_audio";
    public static final String TV = "loss/tv";
    public static final String DISENTANGLE = "loss/disentangle";
    public static final String SPECIALIZE = "loss/specialize";
    public static final String IMAGE_MIXUP = "loss/image_mixup";

    private DenseAvLoss() {
    }

    /**
     * The graph inputs (typically placeholders, or variables in gradient checks).
     *
     * @param audio           aligned audio features {@code [B, code, 1, T]}
     * @param image           aligned image features {@code [B, code, h, w]}
     * @param frameMask       {@code [B, T]} 0/1 (§3.5, discretised)
     * @param posMask         {@code [B, T]} positive-audio mask, interpolated, not discretised; null: no negative-audio term
     * @param source          {@code [B]} 0 = speech, 1 = sound; needed only for disentanglement
     * @param imageMask       mixup mask {@code [B, 1, h, w]}, or {@code [B, 1, H, W]} with H, W multiples of h, w
     *                        (pooled here); null: no mixup term
     * @param nonnegAudioRows {@code [N]} ints from {@link LossSampling#nonNegativity}
     * @param nonnegImageRows {@code [N]} ints, the same b per index
     * @param silenceRows     {@code [N]} ints from {@link LossSampling#silence}, or null (term off)
     * @param wLog            the calibrator {@code [1]}; null: {@code sim_cal.w} of the graph, created if absent
     */
    public record Inputs(SDVariable audio, SDVariable image, SDVariable frameMask, SDVariable posMask, SDVariable source,
                         SDVariable imageMask, SDVariable nonnegAudioRows, SDVariable nonnegImageRows,
                         SDVariable silenceRows, SDVariable wLog) {
    }

    /** The weighted total and every unweighted term that was built, by name. */
    public record Terms(SDVariable total, Map<String, SDVariable> terms) {
    }

    /** Builds every term and the total into the inputs' graph. */
    public static Terms build(Inputs in, LossDims d, LossWeights weights) {
        return build(in, d, weights, false);
    }

    /** As {@link #build(Inputs, LossDims, LossWeights)}; {@code globalPool} scores InfoNCE with the global-pooling baseline. */
    public static Terms build(Inputs in, LossDims d, LossWeights weights, boolean globalPool) {
        SameDiff sd = in.audio().getSameDiff();
        SDVariable wLog = in.wLog() != null ? in.wLog() : InfoNce.calibration(sd, in.audio().dataType(), weights.calInit());
        SDVariable paired = SimilarityVolume.paired(in.audio(), in.image(), in.frameMask(), d.heads(), d.code(), d.batch(),
                d.h(), d.w(), d.t());
        Map<String, SDVariable> terms = new LinkedHashMap<>();
        Map<String, Double> w = new LinkedHashMap<>();
        if (weights.nce() > 0) {
            SDVariable s = globalPool ? io.denseav.graphs.GlobalPoolAggregator.scores(in.audio(), in.image(), in.frameMask(),
                    d.heads(), d.code(), d.batch(), d.t(), d.batch(), d.hw()) : InfoNce.scores(in.audio(), in.image(), in.frameMask(), d);
            add(terms, w, NCE, weights.nce(), InfoNce.loss(s, wLog, d.batch()));
        }
        if (weights.calBalance() > 0) {
            add(terms, w, CAL_BALANCE, weights.calBalance(), CalibrationBalance.loss(wLog, weights.calInit()));
        }
        if (weights.nonneg() > 0) {
            if (in.nonnegAudioRows() == null || in.nonnegImageRows() == null) {
                throw new IllegalArgumentException("non-negativity pressure needs the sampled rows (LossSampling.nonNegativity)");
            }
            add(terms, w, NONNEG, weights.nonneg(), NonNegativity.loss(in.audio(), in.image(), in.nonnegAudioRows(), in.nonnegImageRows(), d));
        }
        if (weights.silenceL1() > 0 && in.silenceRows() != null) {
            add(terms, w, SILENCE_L1, weights.silenceL1(), SilenceL1.loss(in.audio(), in.image(), in.silenceRows(), d));
        }
        if (weights.negAudio() > 0 && in.posMask() != null) {
            add(terms, w, NEG_AUDIO, weights.negAudio(), NegativeAudio.loss(paired, in.frameMask(), in.posMask(), d));
        }
        if (weights.tv() > 0) add(terms, w, TV, weights.tv(), TemporalTv.loss(paired, d));
        if (weights.disentangle() > 0) {
            if (in.source() == null) throw new IllegalArgumentException("disentanglement needs the source labels");
            add(terms, w, DISENTANGLE, weights.disentangle(), Disentanglement.loss(paired, in.source(), d));
        }
        if (weights.specialization() > 0 && d.heads() > 1) {
            add(terms, w, SPECIALIZE, weights.specialization(), HeadSpecialization.loss(paired, d));
        }
        if (weights.mixup() > 0 && in.imageMask() != null) {
            add(terms, w, IMAGE_MIXUP, weights.mixup(), QuadMixup.loss(paired, pooledMask(in.imageMask(), d), d));
        }
        SDVariable total = null;
        for (Map.Entry<String, SDVariable> e : terms.entrySet()) {
            SDVariable part = e.getValue().mul(w.get(e.getKey()));
            total = total == null ? part : total.add(part);
        }
        if (total == null) throw new IllegalArgumentException("every loss term is off");
        return new Terms(sd.identity(TOTAL, total), Collections.unmodifiableMap(terms));
    }

    private static void add(Map<String, SDVariable> terms, Map<String, Double> weights, String name, double weight,
                            SDVariable term) {
        terms.put(name, term.getSameDiff().identity(name, term));
        weights.put(name, weight);
    }

    private static SDVariable pooledMask(SDVariable mask, LossDims d) {
        long[] shape = mask.getShape();
        if (shape == null || shape.length != 4) return mask;
        return QuadMixup.pool(mask, d.batch(), (int) shape[2], (int) shape[3], d.h(), d.w());
    }
}
