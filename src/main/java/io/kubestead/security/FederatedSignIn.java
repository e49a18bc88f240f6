package io.kubestead.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.kubestead.common.ApiException;
import io.kubestead.common.KubesteadConfig;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Turns a person signed in by the OpenID Connect provider (Quarkus OIDC's code flow has verified the ID token)
 * into a console session: named {@code oidc:<name claim>}, with the role bindings its groups map to.
 */
@RequestScoped
public class FederatedSignIn {

    private static final Logger LOG = Logger.getLogger(FederatedSignIn.class);

    @Inject
    SecurityIdentity identity;

    @Inject
    KubesteadConfig config;

    @Inject
    SessionService sessions;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean enabled;

    public boolean enabled() {
        return enabled;
    }

    /** The new session, or null when OIDC is off or this request was not signed in by the provider. */
    public SessionService.Opened signIn(String client) {
        if (!enabled || identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        String name = text(jwt.getClaim(config.oidc().nameClaim()));
        if (name == null || name.isBlank()) {
            name = jwt.getSubject();
        }
        if (name == null || name.isBlank() || name.length() > 200 || io.kubestead.common.Text.hasControl(name)) {
            throw new ApiException(403, "Forbidden", "The provider's ID token names nobody usable.", null);
        }
        List<Binding> bindings = bindings(groups(jwt.getClaim(config.oidc().groupsClaim())), config.oidc().roles());
        LOG.debugf("OIDC sign-in of %s with roles %s", name, Binding.format(bindings));
        return sessions.openFederated("oidc:" + name, bindings, client);
    }

    /** The bindings of a person's groups; {@code "*"} applies to everyone. Mapping values are checked like any binding. */
    static List<Binding> bindings(Set<String> groups, Map<String, String> mapping) {
        Set<Binding> out = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : mapping.entrySet()) {
            if (e.getKey().equals("*") || groups.contains(e.getKey())) {
                out.addAll(Binding.parseList(e.getValue(), i -> "kubestead.oidc.roles." + e.getKey()));
            }
        }
        return out.stream().sorted(Binding.ORDER).toList();
    }

    static Set<String> groups(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof Collection<?> c) {
            for (Object o : c) {
                String t = text(o);
                if (t != null) {
                    out.add(t);
                }
            }
        } else {
            String t = text(claim);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private static String text(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        return o instanceof String s ? s : String.valueOf(o);
    }

}
