package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** Tokens never reach a log line. */
class RedactSecretsTest {

    @Test
    void tokensAreCutOutOfFormattedMessages() {
        ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.ERROR, "ID token verification has failed: %s, bearer %s",
                ExtLogRecord.FormatStyle.PRINTF, RedactSecretsTest.class.getName());
        r.setParameters(new Object[] { "eyJraWQiOiJrMSJ9.eyJpc3MiOiJodHRwIn0.c2lnbmF0dXJl",
                "ks_W5_PVbTEV7qVOeedMzW6lkPCB9dSOW5OUOR-XhIp5oQ" });
        assertThat(new RedactSecrets().isLoggable(r)).isTrue();
        assertThat(r.getFormattedMessage()).isEqualTo("ID token verification has failed: [redacted], bearer [redacted]");
    }

    @Test
    void otherLinesAreLeftAlone() {
        ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.INFO, "Release %s promoted by token:ci (alice)",
                ExtLogRecord.FormatStyle.PRINTF, RedactSecretsTest.class.getName());
        r.setParameters(new Object[] { 42 });
        new RedactSecrets().isLoggable(r);
        assertThat(r.getFormattedMessage()).isEqualTo("Release 42 promoted by token:ci (alice)");
    }
}
