package io.kubestead.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubestead.common.Actors;
import io.kubestead.common.Durations;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Names;
import io.kubestead.kube.ClusterException;
import io.kubestead.kube.HookJobs;
import io.kubestead.kube.KubeNames;
import io.kubestead.kube.NamespacePolicy;
import io.kubestead.kube.ReleaseTarget;
import io.kubestead.kube.TrafficRouter;
import io.kubestead.kube.Workloads;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.RolloutSpec.FailureAction;
import io.kubestead.rollout.spec.RolloutSpecParser;
import io.kubestead.rollout.spec.Step;
import io.kubestead.rollout.spec.TrafficRouting;
import io.kubestead.template.PodPolicy;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;
import io.micrometer.core.instrument.Timer;

/**
 * One move of one release, on a working copy with no transaction open: what it decides (the release's new
 * state, its events, the analysis evidence, a pipeline's bookkeeping) is collected and written by
 * {@link Reconciler} if the claim still holds.
 */
public final class Move {

    /** The collaborators of a move. */
    public record Services(ReleaseService history, ReleasePreparation preparation, TemplateService templates,
            PodPolicy pods, NamespacePolicy namespaces, HookJobs hooks, Workloads workloads, TrafficRouter replicaRouter,
            TrafficRouter gatewayRouter, AnalysisGate analysis, io.kubestead.approval.ApprovalService approvals,
            KubesteadConfig.Engine engine, Clock clock, Timer abortLatency) {
    }

    final Release r;
    final String engineId;
    final Instant now;
    final RolloutSpec spec;
    final ReleaseTarget target;
    final List<io.kubestead.release.ReleaseEvent> events = new java.util.ArrayList<>();
    final List<java.util.function.Consumer<Release>> writes = new java.util.ArrayList<>();
    /** Whether this move wrote the canary's weight or the stable Deployment. */
    boolean touchedTraffic;

    final Services s;

    Move(Services s, Release r, String engineId, Instant now, RolloutSpec spec, ReleaseTarget target) {
        this.s = s;
        this.r = r;
        this.engineId = engineId;
        this.now = now;
        this.spec = spec;
        this.target = target;
    }

    void note(String type, String actor, String reason, Map<String, Object> details) {
        events.add(s.history().remark(r, type, actor, reason, details));
    }

    void atCommit(Runnable write) {
        writes.add(managed -> write.run());
    }

    void run() {
        r.dueAt = null;
        try {
            if ("abort".equals(r.requestedAction)) {
                abort();
                return;
            }
            switch (r.state) {
                case Pending -> start();
                case RunningHooks -> runHook();
                case Progressing -> progress();
                case Paused -> pauseElapsed();
                default -> {
                    // finished: nothing to do
                }
            }
            background();
        } catch (ClusterException e) {
            fail(e.getMessage());
        }
        r.errorCount = 0;
        r.lastError = null;
    }

    private void start() {
        ReleasePreparation.Phase phase = ReleasePreparation.Phase.of(r);
        ReleasePreparation.Prepared prepared = phase == null || r.schemaDone ? null : s.preparation().prepare(phase);
        if (prepared != null && !prepared.ok()) {
            Map<String, Object> d = details();
            d.putAll(prepared.details());
            record("PreparationFailed", ReleaseState.Aborted, Actors.SYSTEM, prepared.reason()
                    + "; no hook ran, no canary was created and no traffic moved", d);
            return;
        }
        if (prepared != null) {
            r.schemaDone = true;
            if (prepared.atCommit() != null) {
                atCommit(prepared.atCommit());
            }
            if (!prepared.details().isEmpty()) {
                Map<String, Object> d = details();
                d.putAll(prepared.details());
                note("SchemaChanged", Actors.SYSTEM, (String) prepared.details().get("schema"), d);
            }
        }
        if (spec.preDeployHooks().isEmpty()) {
            enterSteps("Started", "no hooks: canary steps begin");
        } else {
            r.hookIndex = 0;
            r.stepData = null;
            record("HooksStarted", ReleaseState.RunningHooks, Actors.SYSTEM, null, details());
            r.dueAt = now;
        }
    }

    private void enterSteps(String type, String reason) {
        r.currentStep = 0;
        r.stage = Release.STAGE_STEP;
        r.stepStartedAt = now;
        r.stepData = null;
        record(type, ReleaseState.Progressing, Actors.SYSTEM, reason, details());
        r.dueAt = now;
    }

    private void runHook() {
        if (r.hookIndex >= spec.preDeployHooks().size()) {
            enterSteps("HooksCompleted", "all hooks done: canary steps begin");
            return;
        }
        RolloutSpec.Hook hook = spec.preDeployHooks().get(r.hookIndex);
        String jobName = KubeNames.hookJob(r.rolloutName, r.id, hook.name(), r.attempt);
        Map<String, Object> manifest = s.templates().document(TemplateKind.JOB, hook.jobTemplate()).orElse(null);
        if (manifest == null) {
            fail("hook " + Names.quote(hook.name()) + ": job template " + Names.quote(hook.jobTemplate())
                    + " does not exist");
            return;
        }
        // checked again here: a template stored before the policy (or a rollout moved since) must not run
        boolean notCreatedYet = r.stepData == null || !jobName.equals(r.stepData.get("job"));
        String refused = notCreatedYet ? s.pods().refusal(manifest) : null;
        if (refused == null && notCreatedYet && !s.namespaces().allowed(target.namespace())) {
            refused = "namespace " + Names.quote(target.namespace()) + " is not one Kubestead may act in";
        }
        if (refused != null) {
            fail("hook " + Names.quote(hook.name()) + ": " + refused);
            return;
        }
        Map<String, String> labels = Map.of(KubeNames.LABEL_ROLLOUT, r.rolloutName,
                KubeNames.LABEL_RELEASE, String.valueOf(r.id), KubeNames.LABEL_HOOK, hook.name());
        Job job = s.hooks().ensure(target.namespace(), jobName, labels, manifest);
        if (r.stepData == null || !jobName.equals(r.stepData.get("job"))) {
            Map<String, Object> data = new HashMap<>();
            data.put("job", jobName);
            data.put("startedAt", now.toString());
            r.stepData = data;
            Map<String, Object> d = details();
            d.put("hook", hook.name());
            d.put("job", target.namespace() + "/" + jobName);
            note("HookStarted", Actors.SYSTEM, null, d);
        }
        HookJobs.Outcome outcome = HookJobs.outcome(job);
        String deadlineReason = null;
        if (outcome == HookJobs.Outcome.RUNNING) {
            Duration deadline = deadline(manifest);
            Instant started = Instant.parse((String) r.stepData.get("startedAt"));
            if (!now.isBefore(started.plus(deadline))) {
                outcome = HookJobs.Outcome.FAILED;
                deadlineReason = "did not finish within its deadline of " + Durations.format(deadline);
            } else {
                r.dueAt = min(now.plus(s.engine().pollInterval()), started.plus(deadline));
                return;
            }
        }
        Map<String, Object> d = details();
        d.put("hook", hook.name());
        d.put("job", target.namespace() + "/" + jobName);
        d.put("status", HookJobs.status(job));
        String log = s.hooks().logTail(target.namespace(), jobName, s.engine().logTailLines());
        if (!log.isEmpty()) {
            d.put("logTail", log.length() > 8000 ? log.substring(log.length() - 8000) : log);
        }
        if (outcome == HookJobs.Outcome.SUCCEEDED) {
            note("HookSucceeded", Actors.SYSTEM, null, d);
            nextHook();
            return;
        }
        String why = "hook " + Names.quote(hook.name()) + " (Job " + jobName + ") "
                + (deadlineReason != null ? deadlineReason : "failed");
        if (hook.failureAction() == FailureAction.ABORT) {
            d.put("failureAction", "abort");
            r.stepData = null;
            record("HookFailed", ReleaseState.Aborted, Actors.SYSTEM,
                    why + "; failureAction abort: no canary was created and no traffic moved", d);
            return;
        }
        d.put("failureAction", "continue");
        d.put("warning", true);
        note("HookFailed", Actors.SYSTEM, why + "; failureAction continue: going on", d);
        nextHook();
    }

    private Duration deadline(Map<String, Object> manifest) {
        Object spec = manifest.get("spec");
        if (spec instanceof Map<?, ?> m && m.get("activeDeadlineSeconds") instanceof Number n && n.longValue() > 0) {
            // a little grace beyond the Job's own deadline, so that Kubernetes reports the failure itself
            return Duration.ofSeconds(n.longValue()).plusSeconds(30);
        }
        return s.engine().hookDeadline();
    }

    private void nextHook() {
        r.hookIndex++;
        r.stepData = null;
        r.dueAt = now;
    }

    private void progress() {
        switch (r.stage) {
            case Release.STAGE_PROMOTE -> {
                touchedTraffic = true;
                s.workloads().setStableImage(target);
                r.stage = Release.STAGE_STABLE_ROLLOUT;
                Map<String, Object> d = details();
                d.put("deployment", target.toString());
                d.put("image", r.image);
                note("StableUpdated", Actors.SYSTEM, "stable Deployment set to the release image", d);
                r.dueAt = now;
            }
            case Release.STAGE_STABLE_ROLLOUT -> {
                if (s.workloads().stableRolledOut(target)) {
                    r.stage = Release.STAGE_CLEANUP;
                    r.dueAt = now;
                } else {
                    r.dueAt = now.plus(s.engine().pollInterval());
                }
            }
            case Release.STAGE_CLEANUP -> {
                touchedTraffic = true;
                router().finish(target);
                r.weight = 0;
                r.stage = Release.STAGE_STEP;
                record("Promoted", ReleaseState.Promoted, Actors.SYSTEM,
                        "stable runs " + r.image + "; canary removed, all traffic on stable", details());
            }
            default -> runStep();
        }
    }

    private void runStep() {
        if (r.currentStep >= spec.canarySteps().size()) {
            r.stage = Release.STAGE_PROMOTE;
            r.dueAt = now;
            return;
        }
        CanaryStep.of(spec.canarySteps().get(r.currentStep)).run(this);
    }

    /** Rollout-level analysis: measures across steps from startingStep on, and aborts whenever it fails. */
    private void background() {
        RolloutSpec.BackgroundAnalysis bg = spec.analysis();
        boolean applies = bg != null && (r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused)
                && Release.STAGE_STEP.equals(r.stage) && r.currentStep >= bg.startingStep() && r.requestedAction == null;
        if (!applies) {
            return;
        }
        for (int i = 0; i < bg.templates().size(); i++) {
            AnalysisGate.Verdict v = s.analysis().evaluate(new AnalysisGate.Request(r.id, r.attempt, i, true, r.rolloutName,
                    r.version, new Step.Analysis(bg.templates().get(i), bg.args()), target, r.stepStartedAt), this::atCommit);
            if (v instanceof AnalysisGate.Running running) {
                r.dueAt = r.dueAt == null ? running.next() : min(r.dueAt, running.next());
            } else if (stopOn(v, true)) {
                return;
            }
        }
    }

    /**
     * What a failed, inconclusive or broken analysis does to the release: failed → canary weight 0, then
     * Aborted; inconclusive → Paused for a person; broken → Failed. True when it did one of these.
     */
    boolean stopOn(AnalysisGate.Verdict v, boolean background) {
        Map<String, Object> d = details();
        if (background) {
            d.put("background", true);
        }
        if (v instanceof AnalysisGate.Failed failed) {
            d.putAll(failed.details());
            zeroThen("AnalysisFailed", ReleaseState.Aborted, Actors.SYSTEM, failed.reason(), d);
        } else if (v instanceof AnalysisGate.Inconclusive inc && r.state == ReleaseState.Progressing) {
            // a step's inconclusive gate is passed by resume; a background one only stops the release
            r.pauseKind = background ? "manual" : "analysis";
            d.putAll(inc.details());
            record("AnalysisInconclusive", ReleaseState.Paused, Actors.SYSTEM, inc.reason(), d);
        } else if (v instanceof AnalysisGate.Broken broken) {
            fail(broken.reason());
        } else {
            return false;
        }
        r.dueAt = null;
        return true;
    }

    private void pauseElapsed() {
        boolean approval = io.kubestead.release.ReleaseActions.APPROVAL.equals(r.pauseKind);
        if (!("step".equals(r.pauseKind) || approval) || r.stepData == null || r.stepData.get("until") == null) {
            return;
        }
        Instant until = Instant.parse((String) r.stepData.get("until"));
        if (now.isBefore(until)) {
            r.dueAt = until;
            return;
        }
        if (approval) {
            if (spec.canarySteps().get(r.currentStep) instanceof Step.Approval a) {
                CanaryStep.Approval.expire(this, a.policy());
            }
            return;
        }
        r.pauseKind = null;
        record("Resumed", ReleaseState.Progressing, Actors.SYSTEM, "pause elapsed", details());
        completeStep(Map.of());
    }

    void completeStep(Map<String, Object> extra) {
        Step step = spec.canarySteps().get(r.currentStep);
        Map<String, Object> d = details();
        d.put("step", r.currentStep);
        d.put("kind", step.kind());
        d.put("spec", RolloutSpecParser.stepDocument(step));
        d.putAll(extra);
        note("StepCompleted", Actors.SYSTEM, null, d);
        r.currentStep++;
        r.stepStartedAt = now;
        r.stepData = null;
        r.dueAt = now;
    }

    private void abort() {
        String actor = r.requestedBy;
        String reason = r.requestedReason;
        Instant requestedAt = r.requestedAt;
        clearRequest();
        Map<String, Object> d = details();
        boolean canaryStarted = r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused;
        if (canaryStarted) {
            touchedTraffic = true;
            router().zero(target);
            if (requestedAt != null) {
                s.abortLatency().record(Duration.between(requestedAt, s.clock().instant()));
            }
            d.put("weightBefore", r.weight);
        } else if (r.state == ReleaseState.RunningHooks && r.stepData != null) {
            d.put("hookJobLeftRunning", r.stepData.get("job"));
        }
        r.weight = 0;
        r.stepData = null;
        r.pauseKind = null;
        record("Aborted", ReleaseState.Aborted, actor, reason, d);
    }

    private void clearRequest() {
        r.requestedAction = null;
        r.requestedBy = null;
        r.requestedReason = null;
        r.requestedAt = null;
    }

    /** The release cannot go on: canary traffic to 0 (when a canary may exist), then Failed. */
    void fail(String reason) {
        if (r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused) {
            try {
                touchedTraffic = true;
                router().zero(target);
                r.weight = 0;
            } catch (RuntimeException e) {
                reason = reason + "; setting canary weight 0 failed too: " + e.getMessage();
            }
        }
        r.stepData = null;
        r.pauseKind = null;
        record("Failed", ReleaseState.Failed, Actors.SYSTEM, reason, details());
    }

    void zeroThen(String type, ReleaseState to, String actor, String reason, Map<String, Object> d) {
        touchedTraffic = true;
        router().zero(target);
        d.put("weightBefore", r.weight);
        r.weight = 0;
        r.stepData = null;
        r.pauseKind = null;
        record(type, to, actor, reason, d);
    }

    void record(String type, ReleaseState to, String actor, String reason, Map<String, Object> details) {
        io.kubestead.release.ReleaseEvent e = s.history().transition(r, type, to, actor, reason, details);
        events.add(e);
        ReleasePreparation.Phase phase = ReleasePreparation.Phase.of(r);
        if (!to.active() && phase != null) {
            // the pipeline's bookkeeping of a finished phase, in the commit (after the release's row lock)
            writes.add(managed -> {
                Map<String, Object> more = s.preparation().finished(phase, to);
                if (!more.isEmpty()) {
                    Map<String, Object> d = e.details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(e.details);
                    d.putAll(more);
                    e.details = d;
                }
            });
        }
    }

    Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("engine", engineId);
        d.put("attempt", r.attempt);
        return d;
    }

    TrafficRouter router() {
        return target.routing() instanceof TrafficRouting.GatewayApi ? s.gatewayRouter() : s.replicaRouter();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
