package io.kubestead.rollout;

import java.util.Optional;

/**
 * What the rollout feature needs to know of a rollout's releases, answered by the release feature (which depends
 * on rollouts, never the other way round).
 */
public interface RolloutReleases {

    /** The unfinished release of the rollout, described for a person ("12, Paused"), if there is one. */
    Optional<String> unfinished(String rollout);
}
