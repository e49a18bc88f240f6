package io.kubestead.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kubestead.common.KubesteadConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The first start: with no user at all, creates {@code admin} with KUBESTEAD_ADMIN_PASSWORD or a random password,
 * which is logged this once and written to {@code <data-dir>/initial-admin-password} (mode 0600). There is never a
 * default password.
 */
@Singleton
public class InitialAdmin {

    private static final Logger LOG = Logger.getLogger(InitialAdmin.class);
    public static final String FILE = "initial-admin-password";

    @Inject
    KubesteadConfig config;

    @Inject
    UserService users;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;

    /** Writes a secret to a file only its owner can read, created so from the start (never readable by others). */
    static void writeSecret(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A first password: 24 characters of a 256-bit random string. */
    static String randomPassword() {
        return Secrets.random().substring(0, 24);
    }

    void onStart(@Observes StartupEvent e) {
        boolean given = config.adminPassword().isPresent();
        String password = config.adminPassword().orElseGet(InitialAdmin::randomPassword);
        if (given) {
            Passwords.requireAcceptable("KUBESTEAD_ADMIN_PASSWORD", password);
        }
        if (!users.createFirstAdmin(password)) {
            return;
        }
        String where = "http://localhost:" + port + "/login";
        if (given) {
            LOG.infof("Created user admin with the password from KUBESTEAD_ADMIN_PASSWORD. Sign in at %s", where);
            return;
        }
        Path file = Path.of(config.dataDir()).resolve(FILE);
        String stored;
        try {
            writeSecret(file, password);
            stored = " (also in " + file + ", mode 0600; delete it once you have changed the password)";
        } catch (IOException | UnsupportedOperationException ex) {
            stored = " (could not write " + file + ": " + ex.getMessage() + ")";
        }
        // shown this once: the only way to learn the first password when none was configured
        LOG.infof("First start: created user admin. Sign in at %s as admin with password %s%s", where, password, stored);
    }
}
