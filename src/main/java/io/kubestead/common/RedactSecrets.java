package io.kubestead.common;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * The last line of defence for "no secret is ever logged": whatever a library writes, a JSON Web Token or a
 * Kubestead API token in a log line is replaced before the line is written.
 */
@LoggingFilter(name = "redact-secrets")
public final class RedactSecrets implements Filter {

    static final Pattern SECRET = Pattern.compile(
            "eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]*|ks_[A-Za-z0-9_-]{20,}");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message != null && SECRET.matcher(message).find()) {
            String clean = redact(message);
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
}
