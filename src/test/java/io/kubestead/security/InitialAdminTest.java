package io.kubestead.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first admin's password: random every time, and its file readable by its owner only. */
class InitialAdminTest {

    @Test
    void theFirstPasswordIsRandomAndLongEnough() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String p = InitialAdmin.randomPassword();
            assertThat(p).hasSize(24).matches("[A-Za-z0-9_-]+");
            Passwords.requireAcceptable("password", p);
            seen.add(p);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void itsFileIsOnlyForItsOwner(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve(InitialAdmin.FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        InitialAdmin.writeSecret(file, "s3cret-password-x");
        assertThat(Files.readString(file)).isEqualTo("s3cret-password-x\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
