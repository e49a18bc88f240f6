package io.kubestead.common;

/** One problem in a request, at the exact path of the offending field (e.g. {@code canarySteps[2].pause.duration}). */
public record FieldError(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
