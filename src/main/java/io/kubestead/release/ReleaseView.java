package io.kubestead.release;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseView(long id, String rollout, int revision, String version, String image, ReleaseState state,
        int currentStep, int steps, String stage, String pauseKind, int weight, int attempt, String pendingAction,
        String lastError, String pipeline, String pipelinePhase, Instant stepStartedAt, Instant nextActionAt,
        Instant createdAt, Instant updatedAt, Instant finishedAt) {

    /** "abort pending: <error>" while an abort keeps failing, so that nobody mistakes it for done. */
    @com.fasterxml.jackson.annotation.JsonProperty("abortPending")
    public String abortPending() {
        return "abort".equals(pendingAction) && lastError != null ? "abort pending: " + lastError : null;
    }

    static ReleaseView of(Release r, int steps) {
        Instant next = r.dueAt == null || r.dueAt.getEpochSecond() < 1_000_000 ? null : r.dueAt;
        return new ReleaseView(r.id, r.rolloutName, r.revision, r.version, r.image, r.state, r.currentStep, steps,
                r.stage, r.pauseKind, r.weight, r.attempt, r.requestedAction, r.lastError, r.pipelineName,
                r.pipelinePhase, r.stepStartedAt, next,
                r.createdAt, r.updatedAt, r.finishedAt);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(long id, long releaseId, String type, ReleaseState from, ReleaseState to, String actor,
            String reason, Map<String, Object> details, Instant at) {

        static Event of(ReleaseEvent e) {
            return new Event(e.id, e.releaseId, e.type, e.fromState, e.toState, e.actor, e.reason, e.details, e.at);
        }
    }
}
