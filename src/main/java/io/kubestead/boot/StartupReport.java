package io.kubestead.boot;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Says in one line at start-up which database is in use. */
public class StartupReport {

    private static final Logger LOG = Logger.getLogger(StartupReport.class);

    void report(@Observes StartupEvent event, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url) {
        String embedded = System.getProperty(EmbeddedDatabase.MARKER);
        if (embedded != null) {
            LOG.infof("Database: embedded PostgreSQL at %s, data in %s", url, embedded);
        } else {
            LOG.infof("Database: configured PostgreSQL at %s", redact(url));
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
