package io.denseav.evaluation.metrics;

/** Argument checks shared by the metrics: scores and labels pair up one to one, and scores are finite as sklearn's. */
final class Inputs {
    private Inputs() {
    }

    /** Throws unless {@code scores} and {@code labels} are non-empty, equally long and every score is finite. */
    static void requireScoresAndLabels(float[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        if (scores.length == 0) throw new IllegalArgumentException("no scores");
        requireFinite(scores);
    }

    /** Throws on a NaN or infinite score (sklearn's check_array refuses them too). */
    static void requireFinite(float[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) throw new IllegalArgumentException("score " + i + " is " + scores[i]);
        }
    }
}
