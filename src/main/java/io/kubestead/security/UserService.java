package io.kubestead.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Names;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Users, their role bindings and passwords; every change writes its audit event in the same transaction. */
@ApplicationScoped
public class UserService {

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record UserView(String name, String kind, List<Binding> bindings, Instant createdAt, String createdBy,
            boolean disabled, String slackUserId) {
    }

    /** The outcome of a password check. */
    public sealed interface SignIn {
        record Ok(String user) implements SignIn {
        }

        record Failed() implements SignIn {
        }

        record Refused(Duration retryAfter) implements SignIn {
        }
    }

    /** Fired after a change of roles or users commits: cached token lookups are dropped. */
    public record AccessChanged(String user) {
    }

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @Inject
    SignInGuard guard;

    @Inject
    Event<AccessChanged> changed;

    public List<Binding> bindingsOf(String user) {
        return RoleBinding.<RoleBinding>list("userName", user).stream().map(RoleBinding::binding)
                .sorted(Binding.ORDER).toList();
    }

    /**
     * Checks a user name and password (console sign-in and HTTP Basic). Unknown names, service accounts, disabled
     * users and wrong passwords give the same answer after the same work: one bcrypt verification.
     */
    public SignIn checkPassword(String given, String password, String client, String channel) {
        // a name no user can have is never looked up or stored as typed (it may hold anything, NUL included)
        boolean plausible = given != null && Requests.USER_NAME.matcher(given).matches();
        String user = plausible ? given : "(not a user name)";
        var refusal = guard.refusal(user, client);
        if (refusal.isPresent()) {
            QuarkusTransaction.requiringNew().run(() -> audit.record("user:" + user, "SignInRefused", user, "refused",
                    client, Map.of("channel", channel, "retryAfterSeconds", refusal.get().toSeconds())));
            return new SignIn.Refused(refusal.get());
        }
        String hash = QuarkusTransaction.requiringNew().call(() -> {
            AppUser u = plausible ? AppUser.findById(user) : null;
            return u == null || u.disabledAt != null || !AppUser.PERSON.equals(u.kind) ? null : u.passwordHash;
        });
        boolean ok = Passwords.verify(password, hash);
        QuarkusTransaction.requiringNew().run(() -> {
            if (ok) {
                guard.succeeded(user);
                if (!"basic".equals(channel)) {
                    audit.record("user:" + user, "SignIn", user, "ok", client, Map.of("channel", channel));
                }
            } else {
                guard.failed(user, client);
                audit.record("user:" + user, "SignInFailed", user, "failed", client, Map.of("channel", channel));
            }
        });
        return ok ? new SignIn.Ok(user) : new SignIn.Failed();
    }

    /** The principal of a user who proved who they are, with the user's current bindings. */
    @Transactional
    public Caller caller(String user, Caller.Via via, String csrfToken) {
        return new Caller("user:" + user, user, via, bindingsOf(user), csrfToken, null);
    }

    @Transactional
    public List<UserView> list() {
        List<UserView> out = new ArrayList<>();
        for (AppUser u : AppUser.<AppUser>listAll(io.quarkus.panache.common.Sort.by("name"))) {
            out.add(view(u));
        }
        return out;
    }

    @Transactional
    public UserView get(String name) {
        return view(require(name));
    }

    @Transactional
    public UserView create(Caller caller, Requests.NewUser req, String client) {
        caller.require(Permission.ADMINISTER, null);
        if (AppUser.findById(req.name()) != null) {
            throw ApiException.conflict("User " + Names.quote(req.name()) + " exists already.");
        }
        AppUser u = new AppUser();
        u.name = req.name();
        u.kind = req.kind();
        u.passwordHash = req.password() == null ? null : Passwords.hash(req.password());
        u.createdAt = clock.instant();
        u.createdBy = caller.actor();
        u.persist();
        writeBindings(u.name, req.bindings());
        audit.record(caller.actor(), "UserCreated", u.name, "ok", client,
                Map.of("kind", u.kind, "bindings", Binding.format(req.bindings())));
        return view(u);
    }

    /** Creates the first admin when there is no user at all; false when someone else did it first. */
    @Transactional
    public boolean createFirstAdmin(String password) {
        if (AppUser.count() > 0) {
            return false;
        }
        AppUser u = new AppUser();
        u.name = "admin";
        u.kind = AppUser.PERSON;
        u.passwordHash = Passwords.hash(password);
        u.createdAt = clock.instant();
        u.createdBy = Caller.SYSTEM.actor();
        u.persist();
        writeBindings(u.name, List.of(new Binding(Role.admin, null)));
        audit.record(Caller.SYSTEM.actor(), "UserCreated", u.name, "ok", null,
                Map.of("kind", u.kind, "bindings", "admin", "first", true));
        return true;
    }

    @Transactional
    public UserView setBindings(Caller caller, String name, List<Binding> bindings, String client) {
        caller.require(Permission.ADMINISTER, null);
        AppUser u = requireLocked(name);
        List<Binding> before = bindingsOf(name);
        RoleBinding.delete("userName", name);
        writeBindings(name, bindings);
        requireAnAdmin();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("from", Binding.format(before));
        d.put("to", Binding.format(bindings));
        audit.record(caller.actor(), "RolesChanged", name, "ok", client, d);
        changed.fire(new AccessChanged(name));
        return view(u);
    }

    /** Maps a Slack member id to a user (null removes it); one user per Slack id. */
    @Transactional
    public UserView setSlackId(Caller caller, String name, String slackUserId, String client) {
        caller.require(Permission.ADMINISTER, null);
        AppUser u = requireLocked(name);
        if (slackUserId != null) {
            AppUser other = AppUser.find("slackUserId", slackUserId).firstResult();
            if (other != null && !other.name.equals(name)) {
                throw ApiException.conflict("Slack user " + slackUserId + " is mapped to " + Names.quote(other.name) + " already.");
            }
        }
        String before = u.slackUserId;
        u.slackUserId = slackUserId;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("from", before == null ? "none" : before);
        d.put("to", slackUserId == null ? "none" : slackUserId);
        audit.record(caller.actor(), "SlackIdChanged", name, "ok", client, d);
        return view(u);
    }

    /** The enabled person a Slack member id maps to, as a caller with their bindings now; null when none. */
    @Transactional
    public Caller slackCaller(String slackUserId) {
        AppUser u = slackUserId == null ? null : AppUser.find("slackUserId", slackUserId).firstResult();
        if (u == null || u.disabledAt != null || !AppUser.PERSON.equals(u.kind)) {
            return null;
        }
        return new Caller("user:" + u.name, u.name, Caller.Via.SLACK, bindingsOf(u.name), null, null);
    }

    @Transactional
    public UserView disable(Caller caller, String name, String client) {
        caller.require(Permission.ADMINISTER, null);
        AppUser u = requireLocked(name);
        if (u.disabledAt == null) {
            u.disabledAt = clock.instant();
            requireAnAdmin();
            ConsoleSession.update("endedAt = ?1 where userName = ?2 and endedAt is null", u.disabledAt, name);
            audit.record(caller.actor(), "UserDisabled", name, "ok", client, null);
            changed.fire(new AccessChanged(name));
        }
        return view(u);
    }

    @Transactional
    public void changePassword(Caller caller, String name, Requests.PasswordChange change, String client) {
        boolean self = name.equals(caller.user()) && caller.via() != Caller.Via.TOKEN;
        if (!self) {
            caller.require(Permission.ADMINISTER, null);
        }
        AppUser u = requireLocked(name);
        if (!AppUser.PERSON.equals(u.kind)) {
            throw ApiException.conflict("User " + Names.quote(name) + " is a service account; it has no password.");
        }
        if (self && !caller.can(Permission.ADMINISTER, null)
                && (change.current() == null || !Passwords.verify(change.current(), u.passwordHash))) {
            throw ApiException.invalid("current", "is not the current password");
        }
        u.passwordHash = Passwords.hash(change.password());
        // every session of the user ends: a changed password locks out whoever knew the old one
        ConsoleSession.update("endedAt = ?1 where userName = ?2 and endedAt is null", clock.instant(), name);
        audit.record(caller.actor(), "PasswordChanged", name, "ok", client, null);
    }

    AppUser require(String name) {
        AppUser u = name == null ? null : AppUser.findById(name);
        if (u == null) {
            throw ApiException.notFound("There is no user " + Names.quote(name == null ? "" : name) + ".");
        }
        return u;
    }

    private AppUser requireLocked(String name) {
        AppUser u = name == null ? null : AppUser.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (u == null) {
            throw ApiException.notFound("There is no user " + Names.quote(name == null ? "" : name) + ".");
        }
        return u;
    }

    private void writeBindings(String user, List<Binding> bindings) {
        for (Binding b : bindings) {
            RoleBinding rb = new RoleBinding();
            rb.userName = user;
            rb.role = b.role();
            rb.namespace = b.namespace();
            rb.persist();
        }
    }

    /** Kubestead must never be left without someone who can administer it. */
    private void requireAnAdmin() {
        RoleBinding.getEntityManager().flush();
        long admins = AppUser.count("disabledAt is null and name in (select b.userName from RoleBinding b "
                + "where b.role = ?1 and b.namespace is null)", Role.admin);
        if (admins == 0) {
            throw ApiException.conflict("That would leave no enabled user with the admin role in every namespace.");
        }
    }

    private UserView view(AppUser u) {
        return new UserView(u.name, u.kind, bindingsOf(u.name), u.createdAt, u.createdBy, u.disabledAt != null,
                u.slackUserId);
    }
}
