package io.kubestead.kube;

import io.kubestead.rollout.spec.TrafficRouting;

/** What one release acts on in the cluster. */
public record ReleaseTarget(String rollout, long release, String namespace, String deployment, TrafficRouting routing,
        String image) {

    public String canaryDeployment() {
        return KubeNames.canary(deployment);
    }

    @Override
    public String toString() {
        return namespace + "/" + deployment;
    }
}
