package io.kubestead.boot;

import static org.assertj.core.api.Assertions.assertThat;

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
}
