package io.kubestead.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.kubestead.testing.Postgres15;

/**
 * A PostgreSQL 15 primary and a streaming standby made with pg_basebackup, from the machine's binaries, run as
 * the postgres user (the server refuses root), listening on 127.0.0.1 only.
 */
final class StreamingReplica implements AutoCloseable {

    static final Path BIN = Postgres15.BIN;

    final Path dir;
    final int primaryPort;
    final int standbyPort;

    StreamingReplica() throws Exception {
        if (!Files.isExecutable(BIN.resolve("pg_basebackup"))) {
            throw new IllegalStateException(BIN + " has no pg_basebackup: the PostgreSQL 15 server package is needed");
        }
        dir = Postgres15.directory("kubestead-replica");
        primaryPort = Postgres15.initAndStart(dir, "primary", "wal_level=replica\nmax_wal_senders=5");
        standbyPort = Postgres15.freePort();
        run("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(primaryPort), "-U", "postgres", "-D",
                dir.resolve("standby").toString(), "-R", "-X", "stream");
        Files.writeString(dir.resolve("standby/postgresql.conf"), "\nport=" + standbyPort + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        Postgres15.start(dir, "standby");
    }

    String primaryUrl() {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres";
    }

    void standby(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + standbyPort + "/postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void run(String program, String... args) throws IOException, InterruptedException {
        Postgres15.run(dir, program, args);
    }

    @Override
    public void close() throws Exception {
        for (String node : List.of("standby", "primary")) {
            Postgres15.stop(dir, node);
        }
    }
}
