package io.kubestead.kube;

/** Moves canary traffic. Implementations are idempotent: the engine calls them again after a crash. */
public interface TrafficRouter {

    /**
     * Works towards a canary weight: sizes the canary, and routes the weight once the canary can take it.
     * Returns true when the weight is in effect and the canary is ready.
     */
    boolean apply(ReleaseTarget target, int weight);

    /** Abort: canary traffic to 0 first, then the canary scaled to nothing. Never touches the stable Deployment. */
    void zero(ReleaseTarget target);

    /** After promotion: all traffic to stable, canary removed. */
    void finish(ReleaseTarget target);
}
