package io.kubestead.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * The RBAC of a kustomization, as the API server would apply it to one service account: a request is allowed when
 * a ClusterRoleBinding, or a RoleBinding in the request's namespace, binds a role with a rule that matches it.
 */
public final class RbacRules {

    /** One request to the API server, as RBAC sees it. {@code namespace} null: cluster-wide. */
    public record ApiRequest(String namespace, String group, String resource, String verb, String name) {

        /** Reads a request line: method and path with query (/apis/apps/v1/namespaces/x/deployments/y?...). */
        public static ApiRequest of(String method, String pathAndQuery) {
            int q = pathAndQuery.indexOf('?');
            String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            boolean watch = q >= 0 && pathAndQuery.substring(q).matches(".*[?&]watch=(true|1)(&.*)?");
            String[] s = path.replaceAll("^/+", "").split("/");
            String group;
            int i;
            if (s[0].equals("api") && s.length > 1) {
                group = "";
                i = 2;
            } else if (s[0].equals("apis") && s.length > 2) {
                group = s[1];
                i = 3;
            } else {
                return new ApiRequest(null, null, "nonResourceURL:" + path, method.toLowerCase(java.util.Locale.ROOT), null);
            }
            String namespace = null;
            if (s.length > i + 2 && s[i].equals("namespaces")) {
                namespace = s[i + 1];
                i += 2;
            }
            String resource = s.length > i ? s[i] : "";
            String name = s.length > i + 1 ? s[i + 1] : null;
            if (s.length > i + 2) {
                resource += "/" + s[i + 2];
            }
            String verb = switch (method) {
                case "GET" -> name == null ? (watch ? "watch" : "list") : "get";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> name == null ? "deletecollection" : "delete";
                default -> method.toLowerCase(java.util.Locale.ROOT);
            };
            return new ApiRequest(namespace, group, resource, verb, name);
        }
    }

    /** One thing granted: a verb on a resource (by name, when the rule names some), in a namespace or everywhere. */
    public record Grant(String namespace, String group, String resource, String verb, String name) {

        boolean covers(ApiRequest r) {
            return (namespace == null || namespace.equals(r.namespace())) && group.equals(r.group())
                    && resource.equals(r.resource()) && verb.equals(r.verb()) && (name == null || name.equals(r.name()));
        }
    }

    private final List<Grant> grants;

    private RbacRules(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The grants a kustomization gives to service account {@code namespace/name}. */
    public static RbacRules of(Manifests.Kustomization k, String namespace, String name) {
        Map<String, List<PolicyRule>> clusterRoles = k.all(ClusterRole.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), ClusterRole::getRules));
        Map<String, List<PolicyRule>> roles = k.all(Role.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), Role::getRules));
        Function<Subject, Boolean> isUs = s -> "ServiceAccount".equals(s.getKind()) && name.equals(s.getName())
                && namespace.equals(s.getNamespace());
        List<Grant> grants = new ArrayList<>();
        for (ClusterRoleBinding b : k.all(ClusterRoleBinding.class)) {
            if (b.getSubjects().stream().anyMatch(isUs::apply)) {
                expand(null, rules(b.getRoleRef(), null, clusterRoles, roles), grants);
            }
        }
        for (RoleBinding b : k.all(RoleBinding.class)) {
            if (b.getSubjects().stream().anyMatch(isUs::apply)) {
                String ns = b.getMetadata().getNamespace();
                expand(ns, rules(b.getRoleRef(), ns, clusterRoles, roles), grants);
            }
        }
        return new RbacRules(grants);
    }

    private static List<PolicyRule> rules(RoleRef ref, String namespace, Map<String, List<PolicyRule>> clusterRoles,
            Map<String, List<PolicyRule>> roles) {
        List<PolicyRule> rules = "ClusterRole".equals(ref.getKind()) ? clusterRoles.get(ref.getName())
                : roles.get(namespace + "/" + ref.getName());
        if (rules == null) {
            throw new AssertionError("binding to " + ref.getKind() + " " + ref.getName() + ", which k8s/ does not define");
        }
        return rules;
    }

    private static void expand(String namespace, List<PolicyRule> rules, List<Grant> into) {
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        if (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()) {
                            into.add(new Grant(namespace, group, resource, verb, null));
                        } else {
                            rule.getResourceNames().forEach(n -> into.add(new Grant(namespace, group, resource, verb, n)));
                        }
                    }
                }
            }
        }
    }

    public List<Grant> grants() {
        return grants;
    }

    public Optional<Grant> allowing(ApiRequest r) {
        return grants.stream().filter(g -> g.covers(r)).findFirst();
    }
}
