package io.kubestead.engine;

import java.time.Instant;
import java.util.Map;

import io.kubestead.kube.ReleaseTarget;
import io.kubestead.rollout.spec.Step;

/**
 * How the engine asks the analysis module whether a canary may go on. Called each time an analysis step is due,
 * with no transaction open (a measurement is a remote call); the module keeps its own measurements and says when
 * to ask again.
 */
public interface AnalysisGate {

    /**
     * @param atCommit takes the writes that keep the evidence (the run, the measurement): they run in the
     *        transaction that commits the release's move, and not at all when the move is discarded
     */
    Verdict evaluate(Request request, java.util.function.Consumer<Runnable> atCommit);

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
