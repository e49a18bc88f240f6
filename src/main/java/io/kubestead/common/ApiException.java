package io.kubestead.common;

import java.util.List;

/**
 * An error a client caused (or must be told about); mapped to problem+json with its status.
 * Services throw it; resources stay free of error handling.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).toString()
                : errors.size() + " problems, the first: " + errors.get(0);
        return new ApiException(400, "Invalid document", detail, errors);
    }

    public static ApiException invalid(String path, String message) {
        return invalid(List.of(new FieldError(path, message)));
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad request", detail, null);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not found", detail, null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, null);
    }

    public static ApiException conflict(String detail, List<FieldError> errors) {
        return new ApiException(409, "Conflict", detail, errors);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "Payload too large", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** The detail followed by every field error, for a page that shows the refusal inline. */
    public String summary() {
        return getMessage() + (errors.isEmpty() ? "" : " " + String.join("; ", errors.stream().map(FieldError::toString).toList()));
    }

    public Problem toProblem() {
        return new Problem(Problems.typeFor(status), title, status, getMessage(), errors.isEmpty() ? null : errors);
    }
}
