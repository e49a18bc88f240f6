package io.kubestead.kube;

import java.util.List;

/** Test access to the namespace rule itself. */
public final class NamespacePolicyProbe {

    private NamespacePolicyProbe() {
    }

    public static boolean allowed(String namespace, List<String> entries) {
        return NamespacePolicy.allowed(namespace, entries);
    }
}
