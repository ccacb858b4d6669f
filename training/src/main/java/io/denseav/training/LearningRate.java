package io.denseav.training;

/**
 * The reference's schedule (denseav-reference.md §5.2): a per-step LambdaLR with a linear warm-up from 0 to the base
 * rate over {@code lr_warmup} steps, then constant; it restarts at the start of each phase. Step s (0-based within
 * the phase) uses base·min(1, (s+1)/warmup), so that the very first step already moves.
 */
public record LearningRate(double base, int warmup) {

    public double at(long stepInPhase) {
        if (warmup <= 0) return base;
        return base * Math.min(1.0, (stepInPhase + 1) / (double) warmup);
    }
}
