package io.kubestead.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
            System.setProperty("quarkus.datasource.password", password(dataDir));
            System.setProperty(MARKER, dataDir.toString());
        } catch (IOException | SQLException | RuntimeException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + dataDir
                    + "; set QUARKUS_DATASOURCE_JDBC_URL to use another database. Cause: " + e.getMessage(), e);
        }
    }

    /**
     * Starts PostgreSQL on a data directory, creating it on first use and keeping what it holds. It listens on
     * loopback only, its Unix socket is in the data directory (not a world-writable /tmp), and every connection
     * needs the password kept next to the data directory ({@code postgres-password}, mode 0600): another local
     * user cannot connect as its superuser.
     */
    public static EmbeddedPostgres start(Path dataDir) throws IOException, SQLException {
        return start(dataDir, java.util.Map.of());
    }

    /** The same, with settings of the server's own (a throwaway server may trade durability for speed). */
    public static EmbeddedPostgres start(Path dataDir, java.util.Map<String, String> settings) throws IOException, SQLException {
        Files.createDirectories(dataDir);
        stopOrphan(dataDir);
        Path passwordFile = passwordFile(dataDir);
        String password = password(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                // the server's own readiness check and every connection it hands out send the password
                .setConnectConfig("password", password);
        settings.forEach(builder::setServerConfig);
        // a socket path is limited to about 100 bytes; a longer data directory gets no socket at all (TCP only)
        String socketDir = dataDir.toAbsolutePath().toString();
        builder.setServerConfig("unix_socket_directories", socketDir.length() <= 90 ? socketDir : "");
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            // a new cluster is created with password authentication from the start: no moment of trust
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", passwordFile.toString());
        }
        EmbeddedPostgres pg = builder.start();
        requirePasswords(pg, dataDir, password);
        return pg;
    }

    /** The password of the embedded server's superuser, made at first start. */
    static String password(Path dataDir) throws IOException {
        Path file = passwordFile(dataDir);
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        }
        return Files.readString(file).trim();
    }

    static Path passwordFile(Path dataDir) {
        return dataDir.toAbsolutePath().resolveSibling("postgres-password");
    }

    /**
     * A data directory made by an earlier version trusted every local connection: give the superuser its password
     * and replace the client authentication rules, then reload.
     */
    private static void requirePasswords(EmbeddedPostgres pg, Path dataDir, String password) throws IOException, SQLException {
        Path hba = dataDir.resolve("pg_hba.conf");
        String wanted = HBA;
        if (Files.exists(hba) && Files.readString(hba).equals(wanted)) {
            return;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("alter role postgres password '" + password.replace("'", "''") + "'");
            Files.writeString(hba, wanted);
            s.execute("select pg_reload_conf()");
        }
        LOG.infof("Embedded PostgreSQL in %s now requires its password (%s)", dataDir, passwordFile(dataDir));
    }

    static final String HBA = """
            # Written by Kubestead: every connection needs the superuser's password (SCRAM), loopback only.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;

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
