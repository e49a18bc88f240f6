package io.kubestead.engine;

import java.time.Instant;
import java.util.Map;

import io.kubestead.kube.ReleaseTarget;
import io.kubestead.rollout.spec.Step;

/**
 * How the engine asks the analysis module whether a canary may go on. Called each time an analysis step is due;
 * the module keeps its own measurements and says when to ask again.
 */
public interface AnalysisGate {

    Verdict evaluate(Request request);

    /**
     * @param background true for a rollout-level analysis (then {@code step} is the template's index)
     * @param stepStartedAt when the analysis step began
     */
    record Request(long releaseId, int attempt, int step, boolean background, String rollout, String version,
            Step.Analysis analysis, ReleaseTarget target, Instant stepStartedAt) {
    }

    sealed interface Verdict {
    }

    /** The canary passed: the step is done. */
    record Passed(Map<String, Object> details) implements Verdict {
    }

    /** Still measuring: ask again at {@code next}. */
    record Running(Instant next) implements Verdict {
    }

    /** The canary failed: abort. */
    record Failed(String reason, Map<String, Object> details) implements Verdict {
    }

    /** Neither passed nor failed: a person decides (the release pauses). */
    record Inconclusive(String reason, Map<String, Object> details) implements Verdict {
    }

    /** The analysis cannot run at all (e.g. its template does not exist): the release fails. */
    record Broken(String reason) implements Verdict {
    }
}
