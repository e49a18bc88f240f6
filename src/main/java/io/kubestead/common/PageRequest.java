package io.kubestead.common;

import java.util.ArrayList;
import java.util.List;

/** Paging parameters, parsed from query strings so that "?page=abc" is a 400 naming the parameter, not a 404. */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 500;

    public static PageRequest of(String page, String size) {
        List<FieldError> errors = new ArrayList<>();
        int p = parse("page", page, 0, 0, 1_000_000, errors);
        int s = parse("size", size, DEFAULT_SIZE, 1, MAX_SIZE, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new PageRequest(p, s);
    }

    private static int parse(String name, String value, int dflt, int min, int max, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be an integer from " + min + " to " + max));
        return dflt;
    }

    public int offset() {
        return page * size;
    }
}
