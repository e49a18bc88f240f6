package io.kubestead.analysis;

/** A condition that cannot be parsed, or cannot be evaluated on a value. */
public class ExprException extends RuntimeException {

    public ExprException(String message) {
        super(message, null, false, false);
    }
}
