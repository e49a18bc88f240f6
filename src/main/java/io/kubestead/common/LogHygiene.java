package io.kubestead.common;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Every log line is one line, and carries no secret: whatever a library writes, a JSON Web Token or a Kubestead
 * API token is replaced, and line breaks and other control characters (from a header, a name, a remote error)
 * are escaped so that nobody can forge a log line.
 */
@LoggingFilter(name = "log-hygiene")
public final class LogHygiene implements Filter {

    static final Pattern SECRET = Pattern.compile(
            "eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]*|ks_[A-Za-z0-9_-]{20,}");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message != null && (SECRET.matcher(message).find() || Text.hasControl(message.replace('\t', ' ')))) {
            String clean = escapeControls(redact(message));
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(clean, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(clean);
            }
            record.setParameters(null);
        }
        return true;
    }

    public static String redact(String text) {
        return SECRET.matcher(text).replaceAll("[redacted]");
    }

    static String escapeControls(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
