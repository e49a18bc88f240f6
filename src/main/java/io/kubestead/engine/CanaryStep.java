package io.kubestead.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.kubestead.common.Actors;
import io.kubestead.common.Durations;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.spec.Step;

/**
 * What one kind of canary step does when it is the release's current step, on a {@link Move}: each kind on its
 * own, testable without a database or a cluster.
 */
sealed interface CanaryStep permits CanaryStep.SetWeight, CanaryStep.Pause, CanaryStep.Analysis {

    void run(Move m);

    static CanaryStep of(Step step) {
        if (step instanceof Step.SetWeight w) {
            return new SetWeight(w);
        }
        if (step instanceof Step.Pause p) {
            return new Pause(p);
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
}
