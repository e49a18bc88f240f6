package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** Tokens never reach a log line, and nobody can forge one. */
class LogHygieneTest {

    @Test
    void tokensAreCutOutOfFormattedMessages() {
        ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.ERROR, "ID token verification has failed: %s, bearer %s",
                ExtLogRecord.FormatStyle.PRINTF, LogHygieneTest.class.getName());
        r.setParameters(new Object[] { "eyJraWQiOiJrMSJ9.eyJpc3MiOiJodHRwIn0.c2lnbmF0dXJl",
                "ks_W5_PVbTEV7qVOeedMzW6lkPCB9dSOW5OUOR-XhIp5oQ" });
        assertThat(new LogHygiene().isLoggable(r)).isTrue();
        assertThat(r.getFormattedMessage()).isEqualTo("ID token verification has failed: [redacted], bearer [redacted]");
    }

    @Test
    void otherLinesAreLeftAlone() {
        ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.INFO, "Release %s promoted by token:ci (alice)",
                ExtLogRecord.FormatStyle.PRINTF, LogHygieneTest.class.getName());
        r.setParameters(new Object[] { 42 });
        new LogHygiene().isLoggable(r);
        assertThat(r.getFormattedMessage()).isEqualTo("Release 42 promoted by token:ci (alice)");
    }

    @Test
    void lineBreaksCannotForgeALine() {
        ExtLogRecord r = new ExtLogRecord(org.jboss.logmanager.Level.WARN, "Refused user %s",
                ExtLogRecord.FormatStyle.PRINTF, LogHygieneTest.class.getName());
        r.setParameters(new Object[] { "eve\r\n2026-11-27 INFO [io.kubestead] admin promoted\u0000" });
        new LogHygiene().isLoggable(r);
        assertThat(r.getFormattedMessage()).isEqualTo("Refused user eve\\r\\n2026-11-27 INFO [io.kubestead] admin promoted\\u0000")
                .doesNotContain("\n");
    }
}
