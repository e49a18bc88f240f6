package io.kubestead.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.kubestead.common.ApiException;
import io.kubestead.common.FieldError;
import io.kubestead.common.Names;

/** A role, in every namespace ({@code namespace} null) or in one: {@code operator@payments}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Binding(Role role, String namespace) {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    public static final Comparator<Binding> ORDER = Comparator.comparing((Binding b) -> b.role().ordinal())
            .thenComparing(b -> b.namespace() == null ? "" : b.namespace());

    /** Whether this binding grants everything the other one does. */
    public boolean covers(Binding other) {
        return role.includes(other.role) && (namespace == null || namespace.equals(other.namespace));
    }

    public boolean grants(Permission p, String ns) {
        if (!role.permissions().contains(p)) {
            return false;
        }
        if (namespace == null || p == Permission.READ) {
            // a scoped binding still reads everything: teams see each other's rollouts, they cannot touch them
            return true;
        }
        return p.namespaced() && namespace.equals(ns);
    }

    /** Whether it grants the permission in at least one namespace. */
    public boolean grantsSomewhere(Permission p) {
        return role.permissions().contains(p) && (namespace == null || p.namespaced() || p == Permission.READ);
    }

    @Override
    public String toString() {
        return namespace == null ? role.name() : role.name() + "@" + namespace;
    }

    /** Parses "operator@payments,viewer" (the stored form). */
    public static List<Binding> parseList(String stored) {
        return parseList(stored, i -> "bindings");
    }

    /**
     * Parses a list separated by commas and/or spaces ("operator@payments, viewer": the stored form, the console's
     * field, an OIDC role mapping); {@code pathOf} names the path of the i-th item in an error.
     */
    public static List<Binding> parseList(String text, java.util.function.IntFunction<String> pathOf) {
        List<Binding> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String[] parts = text.split("[,\\s]+");
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isBlank()) {
                out.add(parse(pathOf.apply(i), parts[i].trim()));
            }
        }
        return out;
    }

    public static String format(List<Binding> bindings) {
        return String.join(",", bindings.stream().sorted(ORDER).distinct().map(Binding::toString).toList());
    }

    /** A binding from its text form, or a 400 naming the path. */
    public static Binding parse(String path, String text) {
        int at = text == null ? -1 : text.indexOf('@');
        String roleName = at < 0 ? text : text.substring(0, at);
        String ns = at < 0 ? null : text.substring(at + 1);
        return of(path, roleName, ns);
    }

    public static Binding of(String path, String roleName, String ns) {
        List<FieldError> errors = new ArrayList<>();
        Role role = null;
        try {
            role = roleName == null ? null : Role.valueOf(roleName);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (role == null) {
            errors.add(new FieldError(path + ".role", Names.quote(roleName == null ? "" : roleName)
                    + " is not a role; one of " + Arrays.toString(Role.values())));
        }
        if (ns != null && !NAMESPACE.matcher(ns).matches()) {
            errors.add(new FieldError(path + ".namespace", Names.quote(ns) + " is not a Kubernetes namespace name"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new Binding(role, ns);
    }
}
