package io.kubestead.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.kubestead.common.KubesteadConfig;

/**
 * Console sessions, kept in the database (every replica sees them; sign-out and disabling a user end them at
 * once). Idle and absolute timeouts; the session's CSRF token travels in the page, never in a cookie.
 */
@ApplicationScoped
public class SessionService {

    public static final String COOKIE = "ks_session";

    /** A new session: the cookie's secret and the CSRF token of its pages. */
    public record Opened(String secret, String csrfToken, Duration maxAge) {
    }

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    @Inject
    AuditLog audit;

    @Inject
    UserService users;

    /** A session of a local user, whose roles are read at each request. */
    @Transactional
    public Opened open(String user) {
        return open(user, "user:" + user, null);
    }

    /** A session of a person signed in through OIDC, with the roles their claims mapped to at sign-in. */
    @Transactional
    public Opened openFederated(String actor, java.util.List<Binding> bindings, String client) {
        audit.record(actor, "SignIn", actor, "ok", client, Map.of("channel", "oidc", "bindings", Binding.format(bindings)));
        return open(null, actor, Binding.format(bindings));
    }

    private Opened open(String user, String actor, String bindings) {
        Instant now = clock.instant();
        String secret = Secrets.random();
        ConsoleSession s = new ConsoleSession();
        s.secretHash = Secrets.sha256(secret);
        s.userName = user;
        s.actor = actor;
        s.bindings = bindings;
        s.csrfToken = Secrets.random();
        s.createdAt = now;
        s.lastSeenAt = now;
        s.expiresAt = now.plus(config.security().sessionMaxAge());
        s.persist();
        return new Opened(secret, s.csrfToken, config.security().sessionMaxAge());
    }

    /** The principal of a session cookie, or null when the session is unknown, ended, idle too long or too old. */
    @Transactional
    public Caller authenticate(String secret) {
        if (secret == null || secret.length() > 100) {
            return null;
        }
        ConsoleSession s = ConsoleSession.findById(Secrets.sha256(secret));
        Instant now = clock.instant();
        if (s == null || s.endedAt != null || !s.expiresAt.isAfter(now)
                || !s.lastSeenAt.plus(config.security().sessionIdleTimeout()).isAfter(now)) {
            return null;
        }
        if (s.lastSeenAt.plusSeconds(30).isBefore(now)) {
            s.lastSeenAt = now;
        }
        if (s.userName == null) {
            return new Caller(s.actor, null, Caller.Via.OIDC, Binding.parseList(s.bindings), s.csrfToken, null);
        }
        AppUser u = AppUser.findById(s.userName);
        if (u == null || u.disabledAt != null) {
            return null;
        }
        return users.caller(s.userName, Caller.Via.SESSION, s.csrfToken);
    }

    @Transactional
    public void close(String secret, String client) {
        if (secret == null) {
            return;
        }
        ConsoleSession s = ConsoleSession.findById(Secrets.sha256(secret));
        if (s != null && s.endedAt == null) {
            s.endedAt = clock.instant();
            audit.record(s.actor, "SignOut", s.userName == null ? s.actor : s.userName, "ok", client,
                    Map.of("channel", "console"));
        }
    }
}
