package io.kubestead.rollout.spec;

import java.util.List;

/**
 * A rollout plan: the user's document, validated. {@code target} and {@code trafficRouting} are optional; when
 * absent the engine applies the configured defaults.
 */
public record RolloutSpec(String name, Target target, TrafficRouting trafficRouting, List<Hook> preDeployHooks,
        List<Step> canarySteps) {

    public RolloutSpec {
        preDeployHooks = List.copyOf(preDeployHooks);
        canarySteps = List.copyOf(canarySteps);
    }

    /** Where the workload lives. Either part may be null (then: the configured namespace, the rollout's name). */
    public record Target(String namespace, String deployment) {
    }

    public enum FailureAction {
        ABORT, CONTINUE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Hook(String name, String jobTemplate, FailureAction failureAction) {
    }
}
