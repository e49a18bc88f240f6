package io.kubestead.engine;

import java.util.Map;

import io.kubestead.rollout.Release;
import io.kubestead.rollout.ReleaseState;

/**
 * Work some releases need besides their hooks and steps (a pipeline phase's schema change), run by the engine in
 * the release's transaction.
 */
public interface ReleasePreparation {

    /** Before the release's hooks: null when ready (or nothing to do), else why the release cannot start. */
    Prepared prepare(Release release);

    /** When the release finishes (Promoted, Aborted or Failed): details for its last event. */
    Map<String, Object> finished(Release release, ReleaseState state);

    record Prepared(boolean ok, String reason, Map<String, Object> details) {
    }
}
