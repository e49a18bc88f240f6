package io.kubestead.engine;

import java.util.Map;

import io.kubestead.release.Release;
import io.kubestead.release.ReleaseState;

/**
 * Work some releases need besides their hooks and steps (a pipeline phase's schema change). {@link #prepare} runs
 * with no transaction open (it changes a target database); its bookkeeping and {@link #finished} run in the
 * transaction that commits the release's move, after the release's row lock: release before pipeline, always.
 */
public interface ReleasePreparation {

    /** Before the hooks of a phase's release: whether it may start, and what to write when its move commits. */
    Prepared prepare(Phase phase);

    /** When a phase's release finishes (Promoted, Aborted or Failed): details for its last event. */
    Map<String, Object> finished(Phase phase, ReleaseState state);

    /** A release that runs one phase of a pipeline. */
    record Phase(long release, String pipeline, String phase) {
        static Phase of(Release r) {
            return r.pipelineName == null ? null : new Phase(r.id, r.pipelineName, r.pipelinePhase);
        }
    }

    /** @param atCommit the bookkeeping to write with the release's move (nothing when null) */
    record Prepared(boolean ok, String reason, Map<String, Object> details, Runnable atCommit) {
    }
}
