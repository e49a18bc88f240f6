package io.kubestead.kube;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.KubesteadConfig;

/** Which cluster this server drives: the in-process sandbox or a real one. */
@ApplicationScoped
public class ClusterInfo {

    @Inject
    KubesteadConfig config;

    @Inject
    KubernetesClient client;

    public record View(String mode, boolean sandbox, String apiServer, String defaultNamespace, String note) {
    }

    public boolean sandbox() {
        return SandboxCluster.active();
    }

    public String defaultNamespace() {
        return config.cluster().namespace();
    }

    public View view() {
        String url = client.getMasterUrl() == null ? null : client.getMasterUrl().toString();
        return sandbox()
                ? new View("sandbox", true, url, defaultNamespace(),
                        "An in-process simulated cluster: Jobs complete and Deployments become ready by themselves; "
                                + "nothing runs for real.")
                : new View("kubernetes", false, url, defaultNamespace(), null);
    }
}
