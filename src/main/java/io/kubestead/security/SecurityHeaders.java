package io.kubestead.security;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** Browser hardening headers on every response: no framing, no sniffing, no script but our own files. */
public class SecurityHeaders {

    static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    // Swagger UI's page starts itself with an inline script
    static final String SWAGGER_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    @RouteFilter(2000)
    void headers(RoutingContext rc) {
        String path = rc.normalizedPath();
        rc.addHeadersEndHandler(v -> {
            MultiMap h = rc.response().headers();
            h.set("Content-Security-Policy", path.startsWith("/q/swagger-ui") ? SWAGGER_POLICY : CONSOLE_POLICY);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "same-origin");
            h.set("X-Frame-Options", "DENY");
            if (!h.contains("Cache-Control") && !path.startsWith("/webjars/") && !path.startsWith("/ui/")) {
                h.set("Cache-Control", "no-store");
            }
        });
        rc.next();
    }
}
