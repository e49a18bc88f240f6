package io.kubestead.common;

import java.util.regex.Pattern;

/**
 * Who asked for a change. Until API authentication exists, an API caller may name itself in the
 * {@code Kubestead-Actor} header; the recorded actor always says by which channel the request came.
 */
public final class Actors {

    public static final String HEADER = "Kubestead-Actor";
    public static final String SYSTEM = "system:engine";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9@._:+-]{1,64}");

    private Actors() {
    }

    public static String api(String claimed) {
        if (claimed == null || claimed.isBlank()) {
            return "api:anonymous";
        }
        String c = claimed.trim();
        if (!SAFE.matcher(c).matches()) {
            throw ApiException.invalid(HEADER, "must be 1 to 64 characters of letters, digits and @._:+-");
        }
        return "api:" + c;
    }
}
