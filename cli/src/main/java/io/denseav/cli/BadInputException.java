package io.denseav.cli;

/** A user-facing input problem that is not about a checkpoint (bad argument combination, unwritable output). */
final class BadInputException extends RuntimeException {
    BadInputException(String message) {
        super(message);
    }
}
