package io.kubestead.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as 30s, 5m, 1h30m, 2d (the Go-style form operators know from kubectl and Argo). */
public final class Durations {

    public static final String HINT = "is not a duration like 30s, 5m, 1h30m";
    private static final Pattern FORM = Pattern.compile(
            "(?:(\\d{1,5})d)?(?:(\\d{1,6})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?(?:(\\d{1,9})ms)?");
    private static final Duration MAX = Duration.ofDays(366);

    private Durations() {
    }

    /** The duration, or null when the text is not one (or is zero, or longer than a year). */
    public static Duration parse(String text) {
        return parse(text, false);
    }

    /** The duration, or null when the text is not one (or is longer than a year, or zero unless allowed). */
    public static Duration parse(String text, boolean allowZero) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return null;
        }
        Duration d = Duration.ZERO;
        d = d.plusDays(group(m, 1)).plusHours(group(m, 2)).plusMinutes(group(m, 3)).plusSeconds(group(m, 4))
                .plusMillis(group(m, 5));
        if ((d.isZero() && !allowZero) || d.compareTo(MAX) > 0) {
            return null;
        }
        return d;
    }

    private static long group(Matcher m, int i) {
        return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
    }

    /** The shortest text that parses back to the same duration. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        long ms = d.toMillisPart();
        if (ms > 0) {
            return (s > 0 ? format(Duration.ofSeconds(s)) : "") + ms + "ms";
        }
        StringBuilder b = new StringBuilder();
        long days = s / 86_400;
        if (days > 0 && s % 86_400 == 0) {
            return days + "d";
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (sec > 0 || b.isEmpty()) {
            b.append(sec).append('s');
        }
        return b.toString();
    }

    /** Reads a duration field: a string such as 5m, or a whole number of seconds. */
    public static Duration field(Node parent, String key, boolean required) {
        return field(parent, key, required, false);
    }

    /** Reads a duration field that may also be zero when {@code allowZero} (an initial delay, a pause). */
    public static Duration field(Node parent, String key, boolean required, boolean allowZero) {
        Node c = parent.child(key);
        if (c.value() == null) {
            if (required) {
                c.error("is required");
            }
            return null;
        }
        Duration d = null;
        if (c.value() instanceof String s) {
            d = parse(s, allowZero);
        } else if (Node.asInteger(c.value()) != null) {
            long secs = Node.asInteger(c.value()).min(java.math.BigInteger.valueOf(MAX.getSeconds() + 1)).longValue();
            d = (secs > 0 || (allowZero && secs == 0)) && secs <= MAX.getSeconds() ? Duration.ofSeconds(secs) : null;
        }
        if (d == null) {
            String shown = c.value() instanceof String s ? Node.quote(s) : Node.describe(c.value());
            c.error(shown + " " + HINT + (allowZero ? " (at most 366d)" : " (more than zero, at most 366d)"));
        }
        return d;
    }
}
