package io.kubestead.security;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.kubestead.common.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/** The principal of the current request, for resources to hand to services. */
@RequestScoped
public class CurrentCaller {

    @Inject
    CurrentVertxRequest request;

    @Inject
    SecurityIdentity identity;

    /** The caller; a 401 when the request is anonymous (the access filter lets that through only to public endpoints). */
    public Caller get() {
        Caller c = orNull();
        if (c == null) {
            throw new ApiException(401, "Unauthorized", Authentication.SIGN_IN_FIRST, null);
        }
        return c;
    }

    public Caller orNull() {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        return identity.getAttribute(Authentication.CALLER);
    }

    public String client() {
        RoutingContext rc = request.getCurrent();
        return rc == null ? null : ClientAddress.of(rc);
    }

    public RoutingContext routingContext() {
        return request.getCurrent();
    }
}
