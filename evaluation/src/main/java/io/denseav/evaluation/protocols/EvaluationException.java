package io.denseav.evaluation.protocols;

/**
 * A protocol cannot run as asked, for a reason that is the caller's to fix (one line): a data folder that matches
 * no known layout, a subset larger than the data, a model without the two heads disentanglement needs. Bad or
 * missing media files are {@link io.denseav.data.DataException}s naming the file.
 */
public class EvaluationException extends RuntimeException {
    public EvaluationException(String message) {
        super(message);
    }
}
