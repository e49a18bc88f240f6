package io.kubestead.rollout.spec;

import java.util.List;

/**
 * A rollout plan: the user's document, validated. {@code target} and {@code trafficRouting} are optional; when
 * absent the engine applies the configured defaults.
 */
public record RolloutSpec(String name, Target target, TrafficRouting trafficRouting, List<Hook> preDeployHooks,
        List<Step> canarySteps, BackgroundAnalysis analysis, List<Subscription> notifications) {

    public RolloutSpec {
        preDeployHooks = List.copyOf(preDeployHooks);
        canarySteps = List.copyOf(canarySteps);
        notifications = notifications == null ? null : List.copyOf(notifications);
    }

    /** What the rollout's people are told, and where. {@code notifications} null: the default (everything to Slack). */
    public record Subscription(List<String> events, String channel) {
        /** The notifications there are. */
        public static final List<String> KINDS = List.of("approval-requested", "approval-decided", "paused", "aborted",
                "failed", "promoted", "gate-blocked", "backfill-completed");

        public Subscription {
            events = List.copyOf(events);
        }

        public boolean wants(String kind) {
            return events.contains(kind) || events.contains("all");
        }
    }

    /** Where the workload lives. Either part may be null (then: the configured namespace, the rollout's name). */
    public record Target(String namespace, String deployment) {
    }

    /** The Deployment the rollout delivers to: its target's, else one named like the rollout. */
    public String deployment() {
        return target != null && target.deployment() != null ? target.deployment() : name;
    }

    public enum FailureAction {
        ABORT, CONTINUE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Hook(String name, String jobTemplate, FailureAction failureAction, Migration migration) {

        public Hook(String name, String jobTemplate, FailureAction failureAction) {
            this(name, jobTemplate, failureAction, null);
        }
    }

    /**
     * The SQL a hook's Job runs, declared so that Kubestead checks it before the release starts: inline, or a key of
     * a ConfigMap in the rollout's namespace.
     */
    public record Migration(String database, String sql, String configMapName, String configMapKey) {
    }

    /** Analysis that keeps measuring across steps from {@code startingStep} on, and aborts whenever it fails. */
    public record BackgroundAnalysis(List<String> templates, int startingStep, java.util.Map<String, String> args) {
        public BackgroundAnalysis {
            templates = List.copyOf(templates);
            args = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(args));
        }
    }
}
