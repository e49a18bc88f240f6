package io.kubestead.common;

/** Free text people type (reasons, comments): bounded, and free of characters PostgreSQL or a log cannot carry. */
public final class Text {

    private Text() {
    }

    /** Whether the text holds any control character (C0, NUL included, or DEL). */
    public static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The text trimmed, null when blank; a 400 at {@code path} when too long or holding control characters. */
    public static String clean(String path, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String t = value.trim();
        if (t.length() > max) {
            throw ApiException.invalid(path, "must be at most " + max + " characters");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                throw ApiException.invalid(path, "must not contain control characters (such as NUL)");
            }
        }
        return t;
    }
}
