package io.kubestead.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader over a normalized document (see {@link Documents}): every accessor names the exact path of
 * what is wrong, every problem is collected (not only the first), and {@link #finish()} reports fields nobody
 * asked for, so a typo such as {@code setweight} is an error, never silently ignored.
 */
public final class Node {

    public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final Object value;
    private final String path;
    private final List<FieldError> errors;
    private final Set<String> read = new LinkedHashSet<>();

    private Node(Object value, String path, List<FieldError> errors) {
        this.value = value;
        this.path = path;
        this.errors = errors;
    }

    public static Node root(Object value, List<FieldError> errors) {
        return new Node(value, "", errors);
    }

    public static Node at(Object value, String path, List<FieldError> errors) {
        return new Node(value, path, errors);
    }

    public String path() {
        return path;
    }

    public Object value() {
        return value;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public void error(String message) {
        errors.add(new FieldError(path, message));
    }

    public void error(String key, String message) {
        errors.add(new FieldError(Paths.key(path, key), message));
    }

    public boolean isMap() {
        return value instanceof Map;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map() {
        return (Map<String, Object>) value;
    }

    /** True when this node is a mapping; otherwise records the error and returns false. */
    public boolean expectMap() {
        if (isMap()) {
            return true;
        }
        error("must be a mapping, not " + describe(value));
        return false;
    }

    public boolean has(String key) {
        return isMap() && map().containsKey(key);
    }

    /** The child at key (its value may be null when absent); marks the key as known. */
    public Node child(String key) {
        read.add(key);
        return new Node(isMap() ? map().get(key) : null, Paths.key(path, key), errors);
    }

    /** Marks keys as known without reading them (for suggestions, and for keys read conditionally). */
    public void known(java.util.Collection<String> keys) {
        read.addAll(keys);
    }

    public boolean isNull() {
        return value == null;
    }

    public String string(String key, boolean required, int maxLength) {
        Node c = child(key);
        if (c.value == null) {
            if (required) {
                c.error("is required");
            }
            return null;
        }
        if (!(c.value instanceof String s)) {
            c.error("must be a string, not " + describe(c.value));
            return null;
        }
        if (required && s.isBlank()) {
            c.error("must not be empty");
            return null;
        }
        if (s.length() > maxLength) {
            c.error("must be at most " + maxLength + " characters");
            return null;
        }
        return s;
    }

    public String dnsLabel(String key, boolean required) {
        String s = string(key, required, 63);
        if (s != null && !DNS_LABEL.matcher(s).matches()) {
            error(key, quote(s) + " is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending "
                    + "with a letter or digit, at most 63 characters)");
            return null;
        }
        return s;
    }

    public Integer integer(String key, boolean required, long min, long max) {
        Node c = child(key);
        if (c.value == null) {
            if (required) {
                c.error("is required");
            }
            return null;
        }
        BigInteger v = asInteger(c.value);
        if (v == null) {
            c.error("must be an integer, not " + describe(c.value));
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            c.error("must be an integer from " + min + " to " + max + ", not " + v);
            return null;
        }
        return v.intValue();
    }

    public static BigInteger asInteger(Object value) {
        if (value instanceof BigInteger b) {
            return b;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        return null;
    }

    public List<Node> list(String key, boolean required) {
        Node c = child(key);
        if (c.value == null) {
            if (required) {
                c.error("is required");
            }
            return List.of();
        }
        if (!(c.value instanceof List<?> items)) {
            c.error("must be a list, not " + describe(c.value));
            return List.of();
        }
        List<Node> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new Node(items.get(i), Paths.index(c.path, i), errors));
        }
        return out;
    }

    /**
     * An optional mapping of names to scalar values (args, headers), the values as text; anything else under a
     * name is an error at that name.
     */
    public java.util.Map<String, String> scalarMap() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (value == null || !expectMap()) {
            return out;
        }
        for (Map.Entry<String, Object> e : map().entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
            } else {
                error(e.getKey(), "must be a string, number or boolean, not " + describe(v));
            }
        }
        return out;
    }

    /** Reports every key of this mapping that no accessor asked for. */
    public void finish() {
        if (!isMap()) {
            return;
        }
        for (String key : map().keySet()) {
            if (!read.contains(key)) {
                String hint = suggestion(key, read);
                error(key, "unknown field" + (hint == null ? "" : "; did you mean '" + hint + "'?"));
            }
        }
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = k.equalsIgnoreCase(key) ? 0 : distance(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3) {
            return 99;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof String s) {
            return "the string " + quote(s);
        }
        if (value instanceof Boolean b) {
            return "the boolean " + b;
        }
        if (value instanceof BigDecimal d) {
            return "the number " + d.stripTrailingZeros().toPlainString();
        }
        return "the number " + value;
    }

    public static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
