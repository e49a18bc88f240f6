package io.kubestead.security;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.kubestead.common.ApiException;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Problems;

/**
 * Deny by default: every endpoint must declare its rule ({@link Allow}); one that declares none is refused.
 * Anonymous requests reach only public endpoints; the rule's permission must be held in at least one namespace
 * (services check the resource's own namespace). State changes made with the console's session cookie must
 * come from this origin and carry the session's CSRF token.
 */
public class AccessFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    public static final String CSRF_HEADER = "X-CSRF-Token";

    @Inject
    CurrentCaller current;

    @Inject
    KubesteadConfig config;

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request, ResourceInfo info) {
        Allow rule = rule(info);
        if (rule == null) {
            LOG.errorf("Refused a request to %s %s: the endpoint declares no access rule", request.getMethod(),
                    info.getResourceMethod() == null ? "?" : info.getResourceMethod().getName());
            throw new ApiException(403, "Forbidden", "This endpoint declares no access rule, so it is refused.", null);
        }
        Caller caller = current.orNull();
        if (caller != null && caller.isCookieSession() && !SAFE_METHODS.contains(request.getMethod())) {
            // public endpoints (the sign-in form) have no page token to send; the origin must still be ours
            checkSameOrigin(request, caller, rule.value() != Permission.PUBLIC);
        }
        if (rule.value() == Permission.PUBLIC) {
            return Optional.empty();
        }
        if (caller == null) {
            return Optional.of(unauthenticated(request));
        }
        if (!caller.canSomewhere(rule.value())) {
            throw caller.forbidden(rule.value(), null);
        }
        return Optional.empty();
    }

    static Allow rule(ResourceInfo info) {
        Method m = info.getResourceMethod();
        if (m == null) {
            return null;
        }
        Allow a = m.getAnnotation(Allow.class);
        return a != null ? a : m.getDeclaringClass().getAnnotation(Allow.class);
    }

    private Response unauthenticated(ContainerRequestContext request) {
        var rc = current.routingContext();
        boolean ended = rc != null && Boolean.TRUE.equals(rc.get(Authentication.SESSION_ENDED));
        String uri = request.getUriInfo().getRequestUri().getRawPath()
                + (request.getUriInfo().getRequestUri().getRawQuery() == null ? ""
                        : "?" + request.getUriInfo().getRequestUri().getRawQuery());
        String login = LoginPaths.loginFor(uri, ended);
        if (rc != null && Authentication.wantsPage(rc)) {
            return Response.status(Response.Status.SEE_OTHER).header("Location", login).build();
        }
        Response.ResponseBuilder b = Problems.builder(401, "Unauthorized", ended
                ? "The console session has ended; sign in again."
                : Authentication.SIGN_IN_FIRST)
                .header("WWW-Authenticate", "Bearer realm=\"kubestead\"");
        if (request.getHeaderString("HX-Request") != null) {
            // htmx follows this to the sign-in page instead of swapping an error into the page
            b.header("HX-Redirect", login);
        }
        return b.build();
    }

    private void checkSameOrigin(ContainerRequestContext request, Caller caller, boolean needToken) {
        String origin = request.getHeaderString("Origin");
        if (origin == null || !allowedOrigin(origin, request)) {
            throw new ApiException(403, "Forbidden", "Cross-origin request refused: a change made with the console's "
                    + "session must come from the console itself (Origin " + (origin == null ? "missing" : "not allowed")
                    + ").", null);
        }
        if (needToken && !Secrets.same(caller.csrfToken(), request.getHeaderString(CSRF_HEADER))) {
            throw new ApiException(403, "Forbidden", "The request carries no valid CSRF token; reload the page.", null);
        }
        String path = request.getUriInfo().getPath();
        String type = request.getMediaType() == null ? null : request.getMediaType().toString().toLowerCase(Locale.ROOT);
        if (path.startsWith("/api/") && (type == null || !(type.startsWith("application/json")
                || type.contains("yaml")))) {
            throw new ApiException(415, "Unsupported Media Type", "With the console's session cookie, API requests "
                    + "must declare Content-Type: application/json (or a YAML type for documents).", null);
        }
    }

    private boolean allowedOrigin(String origin, ContainerRequestContext request) {
        var configured = config.security().publicUrl();
        if (configured.isPresent()) {
            return originOf(configured.get()).equalsIgnoreCase(origin);
        }
        // the request's own origin: a browser on another site cannot make its Host header name this server
        URI self = request.getUriInfo().getBaseUri();
        return originOf(self.toString()).equalsIgnoreCase(origin);
    }

    static String originOf(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }
}
