package io.kubestead.pipeline;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL 15 primary and a streaming standby made with pg_basebackup, from the machine's binaries, run as
 * the postgres user (the server refuses root), listening on 127.0.0.1 only.
 */
final class StreamingReplica implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    final Path dir;
    final int primaryPort;
    final int standbyPort;

    StreamingReplica() throws Exception {
        if (!Files.isExecutable(BIN.resolve("pg_basebackup"))) {
            throw new IllegalStateException(BIN + " has no pg_basebackup: the PostgreSQL 15 server package is needed");
        }
        dir = Files.createTempDirectory("kubestead-replica");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        primaryPort = freePort();
        standbyPort = freePort();
        run("initdb", "-D", dir.resolve("primary").toString(), "-A", "trust", "-U", "postgres");
        Files.writeString(dir.resolve("primary/postgresql.conf"), "\nport=" + primaryPort + "\nlisten_addresses='127.0.0.1'\n"
                + "unix_socket_directories='" + dir + "'\nwal_level=replica\nmax_wal_senders=5\nfsync=off\n",
                java.nio.file.StandardOpenOption.APPEND);
        run("pg_ctl", "-D", dir.resolve("primary").toString(), "-l", dir.resolve("primary.log").toString(), "-w", "start");
        run("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(primaryPort), "-U", "postgres", "-D",
                dir.resolve("standby").toString(), "-R", "-X", "stream");
        Files.writeString(dir.resolve("standby/postgresql.conf"), "\nport=" + standbyPort + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        run("pg_ctl", "-D", dir.resolve("standby").toString(), "-l", dir.resolve("standby.log").toString(), "-w", "start");
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
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", BIN.resolve(program).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(program + ".out").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(program + " failed: " + Files.readString(dir.resolve(program + ".out")));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (String node : List.of("standby", "primary")) {
            try {
                run("pg_ctl", "-D", dir.resolve(node).toString(), "-m", "immediate", "stop");
            } catch (IllegalStateException e) {
                // already down
            }
        }
    }
}
