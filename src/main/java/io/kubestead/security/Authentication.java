package io.kubestead.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.common.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

/**
 * How a request proves who it is: {@code Authorization: Bearer ks_…} (API tokens), {@code Authorization: Basic}
 * (a user's password, for scripts), or the console's session cookie. Bad credentials are refused with
 * problem+json (never a Basic challenge, which would make browsers prompt); a session that has ended simply
 * leaves the request anonymous, and the console sends it to the sign-in page.
 */
@ApplicationScoped
public class Authentication implements HttpAuthenticationMechanism {

    /** The routing context's key of the {@link Caller}. */
    public static final String CALLER = "kubestead.caller";
    static final String SESSION_ENDED = "kubestead.session-ended";
    static final String RETRY_AFTER = "kubestead.retry-after";
    static final String SIGN_IN_FIRST = "Sign in first: send Authorization: Bearer <token>.";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext rc, IdentityProviderManager identities) {
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            String value = space < 0 ? "" : authorization.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("Bearer")) {
                return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new TokenRequest(value), rc));
            }
            if (scheme.equalsIgnoreCase("Basic")) {
                String[] userPassword = basic(value);
                if (userPassword == null) {
                    return Uni.createFrom().failure(new AuthenticationFailedException("malformed Basic credentials"));
                }
                return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                        new UsernamePasswordAuthenticationRequest(userPassword[0],
                                new PasswordCredential(userPassword[1].toCharArray())), rc));
            }
            return Uni.createFrom().failure(new AuthenticationFailedException("unsupported authorization scheme"));
        }
        Cookie cookie = rc.request().getCookie(SessionService.COOKIE);
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                    new SessionRequest(cookie.getValue()), rc))
                    .onFailure(AuthenticationFailedException.class).recoverWithItem(() -> {
                        rc.put(SESSION_ENDED, Boolean.TRUE);
                        return null;
                    });
        }
        return Uni.createFrom().optional(Optional.empty());
    }

    private static String[] basic(String value) {
        try {
            String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new String[] { decoded.substring(0, colon), decoded.substring(colon + 1) };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Before any other mechanism (OIDC's): our credentials are recognised, anything else is left to them. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"kubestead\""));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext rc) {
        if (!rc.response().ended()) {
            Duration retry = rc.get(RETRY_AFTER);
            if (retry != null) {
                rc.response().putHeader("Retry-After", String.valueOf(Math.max(1, retry.toSeconds())));
                Problems.write(rc, 429, "Too many failed sign-ins",
                        "Too many failed sign-ins; try again in " + Math.max(1, retry.toSeconds()) + " s.");
            } else if (wantsPage(rc)) {
                rc.response().setStatusCode(303).putHeader("Location", LoginPaths.loginFor(rc.request().uri())).end();
            } else {
                rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"kubestead\"");
                Problems.write(rc, 401, "Unauthorized", rc.request().getHeader("Authorization") != null
                        ? "The credentials were not accepted (unknown, expired or revoked token, or a wrong user name or password)."
                        : SIGN_IN_FIRST);
            }
        }
        return Uni.createFrom().item(Boolean.TRUE);
    }

    /** A person's browser asking for a console page: sent to sign in rather than answered with JSON. */
    static boolean wantsPage(RoutingContext rc) {
        String path = rc.normalizedPath();
        String accept = rc.request().getHeader("Accept");
        return "GET".equals(rc.request().method().name()) && !path.startsWith("/api/") && !path.startsWith("/q/")
                && rc.request().getHeader("Authorization") == null && accept != null && accept.contains("text/html");
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenRequest.class, SessionRequest.class, UsernamePasswordAuthenticationRequest.class);
    }

    static SecurityIdentity identity(Caller caller) {
        Set<String> roles = new HashSet<>();
        caller.bindings().forEach(b -> roles.add(b.role().name()));
        if (!roles.isEmpty()) {
            // every role reads everything
            roles.add(Role.viewer.name());
        }
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.actor())).addRoles(roles)
                .addAttribute(CALLER, caller).build();
    }

    /** A principal looked up in the database (on a worker thread); none found is a failed authentication. */
    static Uni<SecurityIdentity> lookUp(AuthenticationRequestContext context, java.util.function.Supplier<Caller> lookup,
            String failure) {
        return context.runBlocking(() -> {
            Caller caller = lookup.get();
            if (caller == null) {
                throw new AuthenticationFailedException(failure);
            }
            return identity(caller);
        });
    }

    static String client(AuthenticationRequest request) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        return rc == null ? null : ClientAddress.of(rc);
    }

    /** A bearer token. */
    public static final class TokenRequest extends BaseAuthenticationRequest {
        final String secret;

        TokenRequest(String secret) {
            this.secret = secret;
        }
    }

    /** A console session cookie. */
    public static final class SessionRequest extends BaseAuthenticationRequest {
        final String secret;

        SessionRequest(String secret) {
            this.secret = secret;
        }
    }

    @ApplicationScoped
    public static class Tokens implements IdentityProvider<TokenRequest> {
        @Inject
        TokenService tokens;

        @Override
        public Class<TokenRequest> getRequestType() {
            return TokenRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenRequest request, AuthenticationRequestContext context) {
            Caller known = tokens.cached(request.secret);
            if (known != null) {
                return Uni.createFrom().item(identity(known));
            }
            return lookUp(context, () -> tokens.authenticate(request.secret), "token not accepted");
        }
    }

    @ApplicationScoped
    public static class Sessions implements IdentityProvider<SessionRequest> {
        @Inject
        SessionService sessions;

        @Override
        public Class<SessionRequest> getRequestType() {
            return SessionRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(SessionRequest request, AuthenticationRequestContext context) {
            return lookUp(context, () -> sessions.authenticate(request.secret), "session ended");
        }
    }

    @ApplicationScoped
    public static class PasswordCheck implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
        @Inject
        UserService users;

        @Override
        public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
            return UsernamePasswordAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                AuthenticationRequestContext context) {
            return context.runBlocking(() -> {
                String user = request.getUsername();
                String password = new String(request.getPassword().getPassword());
                var outcome = users.checkPassword(user, password, client(request), "basic");
                if (outcome instanceof UserService.SignIn.Refused refused) {
                    RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
                    if (rc != null) {
                        rc.put(RETRY_AFTER, refused.retryAfter());
                    }
                    throw new AuthenticationFailedException("refused");
                }
                if (!(outcome instanceof UserService.SignIn.Ok)) {
                    throw new AuthenticationFailedException("wrong user name or password");
                }
                return identity(users.caller(user, Caller.Via.PASSWORD, null));
            });
        }
    }
}
