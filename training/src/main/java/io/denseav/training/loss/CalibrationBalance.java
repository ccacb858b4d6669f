package io.denseav.training.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Calibration balance (denseav-reference.md §4.2, {@code cal_balance_weight}): {@code (max(0, log cal_init − log w))²}
 * on the clamped scale {@code w} of {@link InfoNce#scale}, so only a scale below its initial value is penalised.
 * The reference's extra floor {@code w.clamp_min(1e-8)} never binds (w ≥ 0.01) and is left out.
 */
public final class CalibrationBalance {
    private CalibrationBalance() {
    }

    /** The term from {@code w_log [1]}; {@code calInit} is 1.0 in the released configuration. */
    public static SDVariable loss(SDVariable wLog, double calInit) {
        SameDiff sd = wLog.getSameDiff();
        SDVariable deficit = sd.math().log(InfoNce.scale(wLog)).rsub(Math.log(calInit));
        return sd.math().square(sd.nn().relu(deficit, 0.0)).mean();
    }
}
