package io.kubestead.security;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicLong;

import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

import io.kubestead.common.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;

/** bcrypt hashes through Elytron: nothing of our own but the policy. */
public final class Passwords {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 200;
    private static final WildFlyElytronPasswordProvider PROVIDER = new WildFlyElytronPasswordProvider();
    private static final AtomicLong VERIFICATIONS = new AtomicLong();
    // checked against when the user does not exist, so that an unknown name costs the same time as a wrong password
    private static final String DECOY = BcryptUtil.bcryptHash(Secrets.random());

    private Passwords() {
    }

    public static String hash(String password) {
        return BcryptUtil.bcryptHash(password);
    }

    /** Checks a password against a stored hash, or against a decoy of the same cost when there is none. */
    public static boolean verify(String password, String hash) {
        VERIFICATIONS.incrementAndGet();
        boolean real = hash != null;
        try {
            Password stored = ModularCrypt.decode(real ? hash : DECOY);
            PasswordFactory f = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            boolean ok = f.verify(f.translate(stored), password.toCharArray());
            return real && ok;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** How many verifications ran in this JVM (tests check that an unknown user costs one too). */
    public static long verifications() {
        return VERIFICATIONS.get();
    }

    public static void requireAcceptable(String path, String password) {
        if (password == null || password.length() < MIN_LENGTH || password.length() > MAX_LENGTH) {
            throw ApiException.invalid(path, "must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
        }
        if (io.kubestead.common.Text.hasControl(password)) {
            throw ApiException.invalid(path, "must not contain control characters");
        }
    }
}
