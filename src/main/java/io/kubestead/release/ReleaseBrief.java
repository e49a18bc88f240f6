package io.kubestead.release;

import java.time.Instant;

/**
 * What other features (pipelines, the console) read of a release: a record read in one query, never the entity,
 * whose fields only the release feature and its engine change.
 */
public record ReleaseBrief(long id, String rollout, String version, String pipeline, String phase, ReleaseState state,
        int weight, Instant updatedAt, Instant finishedAt, String requestedAction) {

    static final String SELECT = "select new io.kubestead.release.ReleaseBrief(r.id, r.rolloutName, r.version, r.pipelineName, "
            + "r.pipelinePhase, r.state, r.weight, r.updatedAt, r.finishedAt, r.requestedAction) from Release r ";
}
