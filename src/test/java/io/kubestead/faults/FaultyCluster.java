package io.kubestead.faults;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A mock Kubernetes API server (CRUD) that Kubestead reaches only through a {@link FaultProxy}; tests reach it
 * directly, to see what really arrived.
 */
public class FaultyCluster implements QuarkusTestResourceLifecycleManager {

    static FaultProxy proxy;
    static KubernetesMockServer server;
    static KubernetesClient direct;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new HashMap<ServerRequest, java.util.Queue<ServerResponse>>(), new KubernetesCrudDispatcher(), false);
        server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        direct = server.createClient();
        try {
            proxy = new FaultProxy(server.getPort(),
                    Double.parseDouble(System.getProperty("faults.errors", "0.20")),
                    Double.parseDouble(System.getProperty("faults.hangs", "0.05")),
                    Double.parseDouble(System.getProperty("faults.resets", "0.03")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.kubernetes-client.api-server-url", proxy.url());
        config.put("quarkus.kubernetes-client.trust-certs", "true");
        config.put("quarkus.kubernetes-client.namespace", "faults");
        // a hanging request gives up after 1 s; the client retries a failed request 3 times (50, 100, 200 ms), then
        // the engine backs off
        config.put("quarkus.kubernetes-client.request-timeout", "1s");
        config.put("quarkus.kubernetes-client.connection-timeout", "1s");
        config.put("quarkus.kubernetes-client.request-retry-backoff-limit", "3");
        config.put("quarkus.kubernetes-client.request-retry-backoff-interval", "50ms");
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
