package io.kubestead.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.kubestead.common.EarlySettings;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded default database: a real PostgreSQL 17 binary whose data lives under {@code kubestead.data-dir}
 * and survives restarts. Used only when no JDBC URL is configured.
 */
public final class EmbeddedDatabase {

    /** Set when the embedded database is in use; read by the start-up report. */
    public static final String MARKER = "io.kubestead.embedded-db-data";

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    private EmbeddedDatabase() {
    }

    public static void startIfUnconfigured() {
        if (EarlySettings.get("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL").isPresent()) {
            return;
        }
        Path dataDir = dataDir().resolve("postgres");
        try {
            EmbeddedPostgres pg = start(dataDir);
            System.setProperty("quarkus.datasource.jdbc.url", pg.getJdbcUrl("postgres", "postgres"));
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty(MARKER, dataDir.toString());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + dataDir
                    + "; set QUARKUS_DATASOURCE_JDBC_URL to use another database. Cause: " + e.getMessage(), e);
        }
    }

    /** Starts PostgreSQL on a data directory, creating it on first use and keeping what it holds. */
    public static EmbeddedPostgres start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        stopOrphan(dataDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .start();
    }

    /** kubestead.data-dir, from the system property, the environment, or ~/.kubestead. */
    public static Path dataDir() {
        return EarlySettings.get("kubestead.data-dir", "KUBESTEAD_DATA_DIR").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".kubestead"));
    }

    /**
     * A server killed without a shutdown leaves its postmaster running on the data directory; stop it so that
     * this start can take the directory over instead of failing.
     */
    private static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .ifPresent(p -> {
                    LOG.warnf("Stopping a PostgreSQL (pid %d) left running on %s by an earlier start", pid, dataDir);
                    p.destroy();
                    try {
                        p.onExit().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
    }
}
