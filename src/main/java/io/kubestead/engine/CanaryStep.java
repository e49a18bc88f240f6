package io.kubestead.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.kubestead.common.Actors;
import io.kubestead.common.Durations;
import io.kubestead.release.ReleaseActions;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.spec.ApprovalPolicy;
import io.kubestead.rollout.spec.Step;

/**
 * What one kind of canary step does when it is the release's current step, on a {@link Move}: each kind on its
 * own, testable without a database or a cluster.
 */
sealed interface CanaryStep permits CanaryStep.SetWeight, CanaryStep.Pause, CanaryStep.Analysis, CanaryStep.Approval {

    void run(Move m);

    static CanaryStep of(Step step) {
        if (step instanceof Step.SetWeight w) {
            return new SetWeight(w);
        }
        if (step instanceof Step.Pause p) {
            return new Pause(p);
        }
        if (step instanceof Step.Approval a) {
            return new Approval(a);
        }
        return new Analysis((Step.Analysis) step);
    }

    /** Moves the canary's share of traffic; done once the canary is ready at that weight, else looked at again. */
    record SetWeight(Step.SetWeight step) implements CanaryStep {
        @Override
        public void run(Move m) {
            m.touchedTraffic = true;
            if (m.router().apply(m.target, step.weight())) {
                m.r.weight = step.weight();
                m.completeStep(Map.of("weight", step.weight()));
            } else {
                m.r.dueAt = m.now.plus(m.s.engine().pollInterval());
            }
        }
    }

    /** Pauses: for a duration (the engine resumes it), or until a person resumes or promotes. */
    record Pause(Step.Pause step) implements CanaryStep {
        @Override
        public void run(Move m) {
            m.r.pauseKind = "step";
            if (step.duration() == null) {
                m.record("Paused", ReleaseState.Paused, Actors.SYSTEM, "pause step: waiting for a person to resume or promote",
                        m.details());
                return;
            }
            Instant until = m.now.plus(step.duration());
            m.r.stepData = new HashMap<>(Map.of("until", until.toString()));
            Map<String, Object> d = m.details();
            d.put("until", until.toString());
            m.record("Paused", ReleaseState.Paused, Actors.SYSTEM, "pause step of " + Durations.format(step.duration()), d);
            m.r.dueAt = until;
        }
    }

    /** Asks the analysis module: passed → next step; still measuring → again later; else it stops the release. */
    record Analysis(Step.Analysis step) implements CanaryStep {
        @Override
        public void run(Move m) {
            AnalysisGate.Verdict v = m.s.analysis().evaluate(new AnalysisGate.Request(m.r.id, m.r.attempt, m.r.currentStep,
                    false, m.r.rolloutName, m.r.version, step, m.target, m.r.stepStartedAt), m::atCommit);
            if (v instanceof AnalysisGate.Passed passed) {
                Map<String, Object> d = new HashMap<>(passed.details());
                d.put("template", step.template());
                m.completeStep(d);
            } else if (v instanceof AnalysisGate.Running running) {
                m.r.dueAt = running.next();
            } else {
                m.stopOn(v, false);
            }
        }
    }

    /**
     * Asks people: the release pauses, an approval request is stored (with the event that says so, so the
     * notification is written with it), and the engine looks again when it expires.
     */
    record Approval(Step.Approval step) implements CanaryStep {
        @Override
        public void run(Move m) {
            Instant until = m.now.plus(step.policy().timeout());
            m.r.pauseKind = ReleaseActions.APPROVAL;
            m.r.stepData = new HashMap<>(Map.of("until", until.toString()));
            Map<String, Object> d = m.details();
            d.put("step", m.r.currentStep);
            d.put("policy", step.policy().document());
            d.put("expiresAt", until.toString());
            String namespace = m.target.namespace();
            int stepIndex = m.r.currentStep;
            // the request is stored before the event, in the same commit: the event's notification names it
            m.writes.add(managed -> m.s.approvals().openForStep(managed, stepIndex, step.policy(), namespace, until));
            m.record("ApprovalRequested", ReleaseState.Paused, Actors.SYSTEM, "waiting for " + step.policy().describe()
                    + " until " + until, d);
            m.r.dueAt = until;
        }

        /** Nobody decided in time: abort (canary weight 0 first), or stay paused until someone resumes (asks again). */
        static void expire(Move m, ApprovalPolicy policy) {
            long id = m.r.id;
            int attempt = m.r.attempt;
            int stepIndex = m.r.currentStep;
            String why = "approval timed out: no " + policy.describe() + " within " + Durations.format(policy.timeout());
            m.writes.add(managed -> m.s.approvals().expireStep(id, attempt, stepIndex, why));
            Map<String, Object> d = m.details();
            d.put("step", stepIndex);
            d.put("onTimeout", policy.onTimeout().text());
            if (policy.onTimeout() == ApprovalPolicy.OnTimeout.ABORT) {
                m.zeroThen("ApprovalExpired", ReleaseState.Aborted, Actors.SYSTEM, why + "; onTimeout abort", d);
            } else {
                m.r.pauseKind = ReleaseActions.APPROVAL_EXPIRED;
                m.r.stepData = null;
                m.note("ApprovalExpired", Actors.SYSTEM, why + "; onTimeout pause: resume asks again, abort ends it", d);
            }
        }
    }
}
