package io.kubestead.engine;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.release.ReleaseService;

/** A second ClusterWatch, started and stopped by a test, so that its informers' requests fall inside the test. */
final class ClusterWatchProbe {

    private ClusterWatchProbe() {
    }

    static ClusterWatch start(KubernetesClient client, Engine engine, ReleaseService releases, KubesteadConfig config) {
        ClusterWatch watch = new ClusterWatch();
        watch.client = client;
        watch.engine = engine;
        watch.releases = releases;
        watch.config = config;
        watch.onStart(null);
        return watch;
    }

    static void stop(ClusterWatch watch) {
        watch.onStop(null);
    }
}
