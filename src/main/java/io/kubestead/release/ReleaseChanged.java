package io.kubestead.release;

/** Fired with every release event; transactional observers see it once the change has committed. */
public record ReleaseChanged(long releaseId, String type, ReleaseState state, long eventId, ReleaseState from) {
}
