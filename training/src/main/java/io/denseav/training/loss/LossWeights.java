package io.denseav.training.loss;

/**
 * The weights of DenseAV's total loss (denseav-reference.md §4): {@code L = nce·L_nce + calBalance·L_cal +
 * nonneg·L_nonneg + silenceL1·L_sil1 + negAudio·L_negaudio + tv·L_tv + disentangle·L_dis + [K>1]·specialization·L_spec
 * + mixup·L_mixup}, and {@code calInit}, the calibrator's initial scale. {@link #defaults()} are the code defaults
 * (disentanglement 0.0 as in the yaml; the released checkpoints' values are UNVERIFIED). A term with weight 0 is
 * not built.
 */
public record LossWeights(double nce, double calBalance, double nonneg, double silenceL1, double negAudio, double tv,
                          double disentangle, double specialization, double mixup, double calInit) {
    public LossWeights {
        for (double v : new double[] {nce, calBalance, nonneg, silenceL1, negAudio, tv, disentangle, specialization, mixup}) {
            if (!(v >= 0 && Double.isFinite(v))) throw new IllegalArgumentException("loss weights must be finite and ≥ 0: " + v);
        }
        if (!(calInit > 0)) throw new IllegalArgumentException("cal_init must be > 0: " + calInit);
    }

    /** The code defaults of configs/av_align.yaml. */
    public static LossWeights defaults() {
        return new LossWeights(1.0, 0.1, 0.01, 0.01, 0.01, 0.01, 0.0, 0.05, 0.1, 1.0);
    }

    /** InfoNCE alone (weight 1, the calibrator at the defaults' cal_init), every regulariser off. */
    public static LossWeights infoNceOnly() {
        return builder().calBalance(0).nonneg(0).silenceL1(0).negAudio(0).tv(0).disentangle(0).specialization(0).mixup(0)
                .build();
    }

    /** A builder starting from these weights. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** Changes single weights: {@code LossWeights.builder().disentangle(0.5).build()}. */
    public static final class Builder {
        private double nce, calBalance, nonneg, silenceL1, negAudio, tv, disentangle, specialization, mixup, calInit;

        private Builder(LossWeights w) {
            nce = w.nce; calBalance = w.calBalance; nonneg = w.nonneg; silenceL1 = w.silenceL1; negAudio = w.negAudio;
            tv = w.tv; disentangle = w.disentangle; specialization = w.specialization; mixup = w.mixup; calInit = w.calInit;
        }

        public Builder nce(double v) { nce = v; return this; }
        public Builder calBalance(double v) { calBalance = v; return this; }
        public Builder nonneg(double v) { nonneg = v; return this; }
        public Builder silenceL1(double v) { silenceL1 = v; return this; }
        public Builder negAudio(double v) { negAudio = v; return this; }
        public Builder tv(double v) { tv = v; return this; }
        public Builder disentangle(double v) { disentangle = v; return this; }
        public Builder specialization(double v) { specialization = v; return this; }
        public Builder mixup(double v) { mixup = v; return this; }
        public Builder calInit(double v) { calInit = v; return this; }

        public LossWeights build() {
            return new LossWeights(nce, calBalance, nonneg, silenceL1, negAudio, tv, disentangle, specialization, mixup, calInit);
        }
    }
}
