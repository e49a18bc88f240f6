package io.kubestead.engine;

import java.util.Map;

import io.kubestead.rollout.Release;
import io.kubestead.rollout.ReleaseState;

/**
 * Work some releases need besides their hooks and steps (a pipeline phase's schema change). {@link #prepare} runs
 * with no transaction open (it changes a target database); its bookkeeping and {@link #finished} run in the
 * transaction that commits the release's move, after the release's row lock: release before pipeline, always.
 */
public interface ReleasePreparation {

    /** Before the release's hooks: whether the release may start, and what to write when its move commits. */
    Prepared prepare(Release release);

    /** When the release finishes (Promoted, Aborted or Failed): details for its last event. */
    Map<String, Object> finished(Release release, ReleaseState state);

    /** @param atCommit the bookkeeping to write with the release's move (nothing when null) */
    record Prepared(boolean ok, String reason, Map<String, Object> details, Runnable atCommit) {
    }
}
