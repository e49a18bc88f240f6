package io.kubestead.security;

/**
 * What a request may do. Each endpoint declares one with {@link Allow}; an endpoint that declares none is refused.
 * Namespace-scoped permissions are checked a second time by the service that knows the resource's namespace.
 */
public enum Permission {
    /** No sign-in needed (the sign-in page, the sandbox's demo metric source). */
    PUBLIC(false),
    /** Any signed-in principal (who am I, my own tokens). */
    SIGNED_IN(false),
    /** Read everything. */
    READ(false),
    /** Start a release of a rollout in the namespace. */
    RELEASE_START(true),
    /** Pause, resume, promote, abort, retry a release in the namespace. */
    RELEASE_ACT(true),
    /** Promote a release in full, skipping its remaining canary steps. */
    PROMOTE_FULL(true),
    /** Approve or reject gates in the namespace. */
    APPROVE(true),
    /** Create, change and delete rollouts and pipelines in the namespace; start and abort pipeline phases. */
    CONFIGURE(true),
    /** Templates, target databases, users, role bindings and other people's tokens: never scoped to a namespace. */
    ADMINISTER(false);

    private final boolean namespaced;

    Permission(boolean namespaced) {
        this.namespaced = namespaced;
    }

    /** Whether a binding scoped to one namespace can grant it (in that namespace). */
    public boolean namespaced() {
        return namespaced;
    }
}
