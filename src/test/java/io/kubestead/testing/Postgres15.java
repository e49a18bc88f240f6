package io.kubestead.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL 15 servers of a test's own, from the machine's binaries, run as the postgres user (the server refuses
 * root), listening on 127.0.0.1 only, with trust authentication.
 */
public final class Postgres15 {

    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private Postgres15() {
    }

    /** initdb into {@code dir/name}, append the settings, start it; returns its port. */
    public static int initAndStart(Path dir, String name, String settings) throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(BIN + " has no initdb: the PostgreSQL 15 server package is needed");
        }
        int port = freePort();
        run(dir, "initdb", "-D", dir.resolve(name).toString(), "-A", "trust", "-U", "postgres");
        Files.writeString(dir.resolve(name + "/postgresql.conf"), "\nport=" + port + "\nlisten_addresses='127.0.0.1'\n"
                + "unix_socket_directories='" + dir + "'\nfsync=off\n" + settings + "\n", StandardOpenOption.APPEND);
        start(dir, name);
        return port;
    }

    public static void start(Path dir, String name) throws IOException, InterruptedException {
        run(dir, "pg_ctl", "-D", dir.resolve(name).toString(), "-l", dir.resolve(name + ".log").toString(), "-w", "start");
    }

    public static void stop(Path dir, String name) {
        try {
            run(dir, "pg_ctl", "-D", dir.resolve(name).toString(), "-m", "immediate", "stop");
        } catch (IllegalStateException | IOException e) {
            // already down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A directory the postgres user may write to. */
    public static Path directory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    public static void run(Path dir, String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", BIN.resolve(program).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(program + ".out").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(program + " failed: " + Files.readString(dir.resolve(program + ".out")));
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
