package io.kubestead.kube;

/** The cluster is not as a release needs it (a missing Deployment or HTTPRoute): the release cannot go on. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }
}
