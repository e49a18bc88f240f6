package io.kubestead.security;

import java.util.List;

import io.kubestead.common.ApiException;
import io.kubestead.common.Names;

/**
 * The principal of a request: the name recorded as the actor of everything it changes, how it authenticated, and
 * the role bindings in force for this request (a token's never exceed its user's).
 */
public record Caller(String actor, String user, Via via, List<Binding> bindings, String csrfToken, Long tokenId) {

    public enum Via {
        SESSION, TOKEN, PASSWORD, OIDC, SLACK, SYSTEM
    }

    /** The engine and other server-side work. */
    public static final Caller SYSTEM = new Caller(io.kubestead.common.Actors.SYSTEM, null, Via.SYSTEM,
            List.of(new Binding(Role.admin, null)), null, null);

    public boolean can(Permission p, String namespace) {
        if (p == Permission.PUBLIC || p == Permission.SIGNED_IN) {
            return true;
        }
        return bindings.stream().anyMatch(b -> b.grants(p, namespace));
    }

    public boolean canSomewhere(Permission p) {
        if (p == Permission.PUBLIC || p == Permission.SIGNED_IN) {
            return true;
        }
        return bindings.stream().anyMatch(b -> b.grantsSomewhere(p));
    }

    /** Refuses (403) unless the caller holds the permission in the namespace. */
    public void require(Permission p, String namespace) {
        if (!can(p, namespace)) {
            throw forbidden(p, namespace);
        }
    }

    public ApiException forbidden(Permission p, String namespace) {
        String where = namespace == null || !p.namespaced() ? "" : " in namespace " + Names.quote(namespace);
        return new ApiException(403, "Forbidden", actor + " may not " + describe(p) + where + "; its roles: "
                + (bindings.isEmpty() ? "none" : Binding.format(bindings)) + ".", null);
    }

    public boolean isCookieSession() {
        return via == Via.SESSION || via == Via.OIDC;
    }

    static String describe(Permission p) {
        return switch (p) {
            case PUBLIC, SIGNED_IN, READ -> "read";
            case RELEASE_START -> "start releases";
            case RELEASE_ACT -> "pause, resume, promote, abort or retry releases";
            case PROMOTE_FULL -> "promote releases in full";
            case APPROVE -> "approve";
            case CONFIGURE -> "change rollouts and pipelines";
            case ADMINISTER -> "administer templates, databases, users and tokens";
        };
    }
}
