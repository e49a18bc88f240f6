package io.kubestead.kube;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Traffic by replica ratio: stable and canary pods behind one Service. */
@ApplicationScoped
@io.kubestead.common.RemoteCall
public class ReplicaRouter implements TrafficRouter {

    @Inject
    Workloads workloads;

    @Override
    public boolean apply(ReleaseTarget t, int weight) {
        int stableReplicas = replicas(t);
        int canary = Workloads.canaryReplicas(stableReplicas, weight);
        workloads.ensureCanary(t, canary);
        return workloads.canaryReady(t, canary);
    }

    @Override
    public void zero(ReleaseTarget t) {
        workloads.scaleCanaryToZero(t);
    }

    @Override
    public void finish(ReleaseTarget t) {
        workloads.deleteCanary(t);
    }

    private int replicas(ReleaseTarget t) {
        Integer r = workloads.stable(t).getSpec().getReplicas();
        return r == null ? 1 : r;
    }
}
