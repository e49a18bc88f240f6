package io.kubestead.kube;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.common.ApiException;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Names;

/** Which namespaces Kubestead may act in: rollout targets and the hook Jobs of their releases. */
@ApplicationScoped
public class NamespacePolicy {

    static final Set<String> CLUSTER_OWN = Set.of("kube-system", "kube-public", "kube-node-lease");

    @Inject
    KubesteadConfig config;

    /** Refuses (400 at {@code path}) a namespace outside kubestead.cluster.allowed-namespaces. */
    public void require(String path, String namespace) {
        if (!allowed(namespace)) {
            throw ApiException.invalid(path, Names.quote(namespace) + " is not one of the namespaces Kubestead may act in "
                    + allowedList() + " (kubestead.cluster.allowed-namespaces)");
        }
    }

    public boolean allowed(String namespace) {
        return allowed(namespace, allowedList());
    }

    List<String> allowedList() {
        return config.cluster().allowedNamespaces().orElse(List.of(config.cluster().namespace()));
    }

    static boolean allowed(String namespace, List<String> allowed) {
        if (namespace == null) {
            return false;
        }
        for (String a : allowed) {
            String entry = a.trim();
            if (entry.equals(namespace)) {
                return true;
            }
            if (CLUSTER_OWN.contains(namespace)) {
                continue;
            }
            if (entry.equals("*") || (entry.endsWith("*") && namespace.startsWith(entry.substring(0, entry.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
