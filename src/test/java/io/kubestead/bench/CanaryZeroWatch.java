package io.kubestead.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubestead.kube.KubeNames;

/**
 * Records, per canary Deployment, when the API server first reports it at 0 replicas (weight 0), or at another
 * replica count.
 */
final class CanaryZeroWatch implements AutoCloseable {

    private final Map<String, Long> zeroSeenMillis = new ConcurrentHashMap<>();
    private final Map<String, Long> zeroSeenNanos = new ConcurrentHashMap<>();
    private final Watch watch;

    CanaryZeroWatch(KubernetesClient client, String namespace) {
        this(client, namespace, 0);
    }

    CanaryZeroWatch(KubernetesClient client, String namespace, int replicas) {
        watch = client.apps().deployments().inNamespace(namespace).withLabel(KubeNames.LABEL_TRACK, "canary")
                .watch(new Watcher<Deployment>() {
                    @Override
                    public void eventReceived(Action action, Deployment d) {
                        if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() == replicas) {
                            zeroSeenNanos.putIfAbsent(d.getMetadata().getName(), System.nanoTime());
                            zeroSeenMillis.putIfAbsent(d.getMetadata().getName(), System.currentTimeMillis());
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
    }

    boolean seen(String canary) {
        return zeroSeenNanos.containsKey(canary);
    }

    long nanos(String canary) {
        return zeroSeenNanos.get(canary);
    }

    long epochMillis(String canary) {
        return zeroSeenMillis.get(canary);
    }

    @Override
    public void close() {
        watch.close();
    }
}
