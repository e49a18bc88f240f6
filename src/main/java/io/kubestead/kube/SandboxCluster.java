package io.kubestead.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

import org.jboss.logging.Logger;

import io.kubestead.common.EarlySettings;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * The embedded default cluster: the fabric8 Kubernetes mock API server in CRUD mode, in-process. Started before
 * Quarkus when no kubeconfig and no in-cluster service account is found (or kubestead.cluster.mode=sandbox).
 */
public final class SandboxCluster {

    private static final Logger LOG = Logger.getLogger(SandboxCluster.class);
    static final String ACTIVE = "io.kubestead.sandbox-active";
    private static KubernetesMockServer server;

    private SandboxCluster() {
    }

    public static boolean active() {
        return Boolean.getBoolean(ACTIVE);
    }

    public static void startIfNeeded() {
        String mode = EarlySettings.get("kubestead.cluster.mode", "KUBESTEAD_CLUSTER_MODE").orElse("auto");
        boolean sandbox = switch (mode) {
            case "sandbox" -> true;
            case "kubernetes" -> false;
            default -> !realClusterConfigured();
        };
        if (!sandbox) {
            return;
        }
        server = new KubernetesMockServer(new Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new HashMap<ServerRequest, java.util.Queue<ServerResponse>>(), new KubernetesCrudDispatcher(), false);
        // loopback only: the sandbox is never reachable from another machine
        server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        System.setProperty("quarkus.kubernetes-client.api-server-url", "http://localhost:" + server.getPort());
        System.setProperty("quarkus.kubernetes-client.trust-certs", "true");
        System.setProperty("quarkus.kubernetes-client.namespace", "demo");
        if (EarlySettings.get("kubestead.cluster.namespace", "KUBESTEAD_CLUSTER_NAMESPACE").isEmpty()) {
            System.setProperty("kubestead.cluster.namespace", "demo");
        }
        System.setProperty(ACTIVE, "true");
        LOG.infof("Cluster: SANDBOX (simulated, in-process) at http://localhost:%d; set kubestead.cluster.mode=kubernetes "
                + "or provide a kubeconfig to drive a real cluster", server.getPort());
    }

    private static boolean realClusterConfigured() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return true;
        }
        if (Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))) {
            return true;
        }
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"))) {
            return true;
        }
        return System.getProperty("quarkus.kubernetes-client.api-server-url") != null
                || System.getenv("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL") != null;
    }
}
