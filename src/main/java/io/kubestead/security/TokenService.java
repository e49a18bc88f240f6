package io.kubestead.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Names;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * API tokens: {@code ks_} and 256 random bits, shown once, kept as a SHA-256 hash. A token never grants more
 * than its user holds at the moment it is used. Lookups are cached for {@code kubestead.security.token-cache-ttl}
 * so that bcrypt and the database stay off the per-request path; a revocation on this replica takes effect at once.
 */
@ApplicationScoped
public class TokenService {

    public static final String PREFIX = "ks_";

    public record TokenView(long id, String name, String user, String prefix, List<Binding> bindings,
            Instant createdAt, String createdBy, Instant expiresAt, Instant lastUsedAt, Instant revokedAt,
            String revokedBy) {
    }

    /** The answer to a creation: the only time the secret is ever shown. */
    public record Created(String token, TokenView details) {
    }

    private record Cached(Caller caller, Instant expiresAt, Instant loadedAt) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    @Inject
    AuditLog audit;

    @Inject
    UserService users;

    @Transactional
    public Created create(Caller caller, Requests.NewToken req, String client) {
        String owner = req.user() == null ? caller.user() : req.user();
        if (owner == null) {
            throw ApiException.invalid("user", "is required: this principal is not a user");
        }
        AppUser user = users.require(owner);
        boolean forSelf = owner.equals(caller.user());
        if (!forSelf) {
            // tokens for someone else: only admins, and only for service accounts (a person makes their own)
            caller.require(Permission.ADMINISTER, null);
            if (!AppUser.SERVICE.equals(user.kind)) {
                throw ApiException.invalid("user", Names.quote(owner)
                        + " is a person; people create their own tokens (admins create tokens for service accounts)");
            }
        } else if (caller.via() == Caller.Via.TOKEN) {
            throw new ApiException(403, "Forbidden", "A token cannot create tokens; sign in as " + owner + ".", null);
        }
        if (user.disabledAt != null) {
            throw ApiException.conflict("User " + Names.quote(owner) + " is disabled.");
        }
        List<Binding> held = users.bindingsOf(owner);
        List<Binding> wanted = req.bindings() == null ? held : req.bindings();
        for (int i = 0; i < wanted.size(); i++) {
            Binding w = wanted.get(i);
            if (held.stream().noneMatch(h -> h.covers(w))) {
                throw ApiException.invalid("bindings[" + i + "]", w + " is more than " + owner + " holds ("
                        + (held.isEmpty() ? "nothing" : Binding.format(held)) + ")");
            }
        }
        if (wanted.isEmpty()) {
            throw ApiException.invalid("bindings", "a token needs at least one role, and " + owner + " holds none");
        }
        Instant now = clock.instant();
        var s = config.security();
        String secret = PREFIX + Secrets.random();
        ApiToken t = new ApiToken();
        t.name = req.name();
        t.userName = owner;
        t.createdBy = caller.actor();
        t.secretHash = Secrets.sha256(secret);
        t.prefix = secret.substring(0, 10);
        t.bindings = Binding.format(wanted);
        t.createdAt = now;
        t.expiresAt = Requests.expiry(req, now, s.tokenDefaultLifetime(), s.tokenMaxLifetime());
        t.persist();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("token", t.id);
        d.put("name", t.name);
        d.put("bindings", t.bindings);
        d.put("expiresAt", t.expiresAt == null ? null : t.expiresAt.toString());
        audit.record(caller.actor(), "TokenCreated", owner, "ok", client, d);
        return new Created(secret, view(t));
    }

    /** Tokens of a user: one's own, or anyone's for an admin. */
    @Transactional
    public List<TokenView> list(Caller caller, String user) {
        String owner = user == null ? caller.user() : user;
        if (owner == null || !owner.equals(caller.user())) {
            caller.require(Permission.ADMINISTER, null);
        }
        if (owner == null) {
            return ApiToken.<ApiToken>list("order by id").stream().map(TokenService::view).toList();
        }
        return ApiToken.<ApiToken>list("userName = ?1 order by id", owner).stream().map(TokenService::view).toList();
    }

    @Transactional
    public TokenView revoke(Caller caller, long id, String client) {
        ApiToken t = ApiToken.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (t == null || (!t.userName.equals(caller.user()) && !caller.can(Permission.ADMINISTER, null))) {
            // someone else's token is as invisible as one that does not exist
            throw ApiException.notFound("There is no token " + id + " of yours.");
        }
        if (t.revokedAt == null) {
            t.revokedAt = clock.instant();
            t.revokedBy = caller.actor();
            audit.record(caller.actor(), "TokenRevoked", t.userName, "ok", client, Map.of("token", t.id, "name", t.name));
        }
        cache.remove(t.secretHash);
        return view(t);
    }

    /**
     * The principal of a bearer secret when this replica has looked it up recently, without any blocking work (the
     * request stays on its I/O thread); null when it must be looked up with {@link #authenticate(String)}.
     */
    public Caller cached(String secret) {
        if (!plausible(secret)) {
            return null;
        }
        Cached c = cache.get(Secrets.sha256(secret));
        Instant now = clock.instant();
        return fresh(c, now) ? usable(c, now) : null;
    }

    /** The principal a bearer secret stands for, or null when it stands for nothing usable now. */
    public Caller authenticate(String secret) {
        if (!plausible(secret)) {
            return null;
        }
        String hash = Secrets.sha256(secret);
        Instant now = clock.instant();
        Cached c = cache.get(hash);
        if (!fresh(c, now)) {
            c = QuarkusTransaction.requiringNew().call(() -> load(hash, now));
            if (c == null) {
                cache.remove(hash);
                return null;
            }
            cache.put(hash, c);
        }
        return usable(c, now);
    }

    private static boolean plausible(String secret) {
        return secret != null && secret.startsWith(PREFIX) && secret.length() <= 100;
    }

    /** Looked up within the cache's time to live. */
    private boolean fresh(Cached c, Instant now) {
        return c != null && !c.loadedAt.plus(config.security().tokenCacheTtl()).isBefore(now);
    }

    /** The principal, unless the token has expired since it was looked up. */
    private static Caller usable(Cached c, Instant now) {
        return c.expiresAt != null && !c.expiresAt.isAfter(now) ? null : c.caller;
    }

    private Cached load(String hash, Instant now) {
        ApiToken t = ApiToken.find("secretHash", hash).firstResult();
        if (t == null || t.revokedAt != null || (t.expiresAt != null && !t.expiresAt.isAfter(now))) {
            return null;
        }
        AppUser u = AppUser.findById(t.userName);
        if (u == null || u.disabledAt != null) {
            return null;
        }
        List<Binding> held = users.bindingsOf(t.userName);
        List<Binding> effective = Binding.parseList(t.bindings).stream()
                .filter(b -> held.stream().anyMatch(h -> h.covers(b))).toList();
        if (t.lastUsedAt == null || t.lastUsedAt.plus(Duration.ofMinutes(1)).isBefore(now)) {
            t.lastUsedAt = now;
        }
        Caller caller = new Caller("token:" + t.name + " (" + t.userName + ")", t.userName, Caller.Via.TOKEN, effective,
                null, t.id);
        return new Cached(caller, t.expiresAt, now);
    }

    void onAccessChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserService.AccessChanged e) {
        cache.clear();
    }

    static TokenView view(ApiToken t) {
        return new TokenView(t.id, t.name, t.userName, t.prefix + "…", Binding.parseList(t.bindings), t.createdAt,
                t.createdBy, t.expiresAt, t.lastUsedAt, t.revokedAt, t.revokedBy);
    }
}
