package io.kubestead.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

class EmbeddedDatabaseTest {

    @Test
    void dataSurvivesARestartOnTheSameDirectory() throws Exception {
        Path dir = Files.createTempDirectory("kubestead-embedded").resolve("postgres");
        try (EmbeddedPostgres first = EmbeddedDatabase.start(dir);
                Connection c = first.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table kept (v text)");
            s.execute("insert into kept values ('still here')");
        }
        try (EmbeddedPostgres second = EmbeddedDatabase.start(dir);
                Connection c = second.getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
            assertThat(second.getJdbcUrl("postgres", "postgres")).startsWith("jdbc:postgresql://");
        }
    }

    @Test
    void theDataDirectoryComesFromConfiguration() {
        String before = System.getProperty("kubestead.data-dir");
        try {
            System.setProperty("kubestead.data-dir", "/tmp/somewhere");
            assertThat(EmbeddedDatabase.dataDir()).isEqualTo(Path.of("/tmp/somewhere"));
            System.clearProperty("kubestead.data-dir");
            assertThat(EmbeddedDatabase.dataDir().toString())
                    .isIn(Path.of(System.getProperty("user.home"), ".kubestead").toString(), System.getenv("KUBESTEAD_DATA_DIR"));
        } finally {
            if (before != null) {
                System.setProperty("kubestead.data-dir", before);
            }
        }
    }

    @Test
    void onlyTheHolderOfThePasswordGetsIn() throws Exception {
        Path dir = Files.createTempDirectory("kubestead-embedded").resolve("postgres");
        try (EmbeddedPostgres pg = EmbeddedDatabase.start(dir)) {
            Path file = EmbeddedDatabase.passwordFile(dir);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            String url = pg.getJdbcUrl("postgres", "postgres");
            assertThat(url).doesNotContain("password");
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "postgres", null))
                    .isInstanceOf(java.sql.SQLException.class);
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "postgres", "guess"))
                    .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("password authentication failed");
            try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", Files.readString(file).trim());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select setting from pg_settings where name in "
                            + "('listen_addresses', 'unix_socket_directories') order by name")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
                rs.next();
                assertThat(rs.getString(1)).isIn(dir.toAbsolutePath().toString(), "");
                assertThat(rs.getString(1)).doesNotStartWith("/tmp,").isNotEqualTo("/tmp");
            }
            // another OS user on this machine, through psql, without the password
            if (Files.isExecutable(Path.of("/usr/bin/psql")) && Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
                Process p = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/psql", "-w", "-h",
                        "127.0.0.1", "-p", String.valueOf(pg.getPort()), "-U", "postgres", "-c", "select 1")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor()).as(out).isNotZero();
                assertThat(out).containsAnyOf("password", "authentication");
            }
        }
    }

    @Test
    void aDirectoryFromAnEarlierVersionStopsTrustingLocalUsers() throws Exception {
        Path dir = Files.createTempDirectory("kubestead-embedded").resolve("postgres");
        Files.createDirectories(dir);
        // how earlier versions created it: initdb with trust
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start()) {
            try (Connection c = java.sql.DriverManager.getConnection(old.getJdbcUrl("postgres", "postgres"), "postgres", null)) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
        try (EmbeddedPostgres pg = EmbeddedDatabase.start(dir)) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "postgres", null))
                    .isInstanceOf(java.sql.SQLException.class);
            try (Connection c = pg.getPostgresDatabase().getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }
}
