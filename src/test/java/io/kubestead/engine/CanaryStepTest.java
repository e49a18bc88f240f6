package io.kubestead.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kubestead.common.KubesteadConfig;
import io.kubestead.kube.ReleaseTarget;
import io.kubestead.kube.TrafficRouter;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseEvent;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.RolloutSpecParser;
import io.kubestead.rollout.spec.Step;
import io.kubestead.rollout.spec.TrafficRouting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Each kind of canary step on its own: a working copy, a fake router and analysis, no database, no cluster. */
class CanaryStepTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    /** A router that records what it was asked and answers "ready" as told. */
    static final class FakeRouter implements TrafficRouter {
        final List<String> calls = new ArrayList<>();
        boolean ready;

        @Override
        public boolean apply(ReleaseTarget t, int weight) {
            calls.add("apply " + weight);
            return ready;
        }

        @Override
        public void zero(ReleaseTarget t) {
            calls.add("zero");
        }

        @Override
        public void finish(ReleaseTarget t) {
            calls.add("finish");
        }
    }

    final FakeRouter router = new FakeRouter();
    AnalysisGate.Verdict verdict = new AnalysisGate.Running(NOW.plusSeconds(30));
    final List<Runnable> evidence = new ArrayList<>();

    Move move(String steps) throws Exception {
        RolloutSpec spec = RolloutSpecParser.parse(new org.yaml.snakeyaml.Yaml().load(
                "rollout:\n  name: svc\n  canarySteps:\n" + steps));
        ReleaseService history = new ReleaseService();
        java.lang.reflect.Field clock = ReleaseService.class.getDeclaredField("clock");
        clock.setAccessible(true);
        clock.set(history, Clock.fixed(NOW, ZoneOffset.UTC));
        AnalysisGate gate = (request, atCommit) -> {
            atCommit.accept(() -> evidence.add(() -> { }));
            return verdict;
        };
        Move.Services services = new Move.Services(history, null, null, null, null, null, null, router, router, gate,
                null, engineConfig(), Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry().timer("abort"));
        Release r = new Release();
        r.id = 7L;
        r.rolloutName = "svc";
        r.version = "2.0.0";
        r.image = "img:2";
        r.state = ReleaseState.Progressing;
        r.stage = Release.STAGE_STEP;
        r.stepStartedAt = NOW.minusSeconds(5);
        ReleaseTarget target = new ReleaseTarget("svc", 7L, "ns", "svc", new TrafficRouting.Replicas(), "img:2");
        return new Move(services, r, "engine-1", NOW, spec, target);
    }

    static KubesteadConfig.Engine engineConfig() {
        return new KubesteadConfig.Engine() {
            public boolean enabled() {
                return true;
            }

            public int threads() {
                return 4;
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration idleWait() {
                return Duration.ofSeconds(1);
            }

            public Duration hookDeadline() {
                return Duration.ofMinutes(30);
            }

            public int logTailLines() {
                return 40;
            }

            public Duration lease() {
                return Duration.ofMinutes(2);
            }

            public int abortThreads() {
                return 1;
            }
        };
    }

    static List<String> types(Move m) {
        return m.events.stream().map(e -> e.type).toList();
    }

    @Test
    void setWeightWaitsForTheCanaryThenCompletesTheStep() throws Exception {
        Move m = move("    - setWeight: 40\n");
        CanaryStep.of(m.spec.canarySteps().get(0)).run(m);
        assertThat(router.calls).containsExactly("apply 40");
        assertThat(m.touchedTraffic).isTrue();
        assertThat(m.r.weight).isZero();
        assertThat(m.r.currentStep).isZero();
        assertThat(m.r.dueAt).isEqualTo(NOW.plusSeconds(1));
        assertThat(m.events).isEmpty();

        router.ready = true;
        CanaryStep.of(m.spec.canarySteps().get(0)).run(m);
        assertThat(m.r.weight).isEqualTo(40);
        assertThat(m.r.currentStep).isEqualTo(1);
        assertThat(m.r.dueAt).isEqualTo(NOW);
        assertThat(types(m)).containsExactly("StepCompleted");
        assertThat(m.events.get(0).details).containsEntry("weight", 40).containsEntry("step", 0);
    }

    @Test
    void aTimedPauseWaitsUntilItsEndAndAnOpenOneForAPerson() throws Exception {
        Move timed = move("    - pause: {duration: 5m}\n");
        CanaryStep.of(timed.spec.canarySteps().get(0)).run(timed);
        assertThat(timed.r.state).isEqualTo(ReleaseState.Paused);
        assertThat(timed.r.pauseKind).isEqualTo("step");
        assertThat(timed.r.dueAt).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(timed.r.stepData).containsEntry("until", NOW.plus(Duration.ofMinutes(5)).toString());
        assertThat(types(timed)).containsExactly("Paused");
        assertThat(router.calls).isEmpty();

        Move open = move("    - pause: {}\n");
        CanaryStep.of(open.spec.canarySteps().get(0)).run(open);
        assertThat(open.r.state).isEqualTo(ReleaseState.Paused);
        assertThat(open.r.dueAt).isNull();
        assertThat(open.events.get(0).reason).contains("waiting for a person");
    }

    @Test
    void anAnalysisStepWaitsPassesOrStopsTheRelease() throws Exception {
        Move running = move("    - analysis: {template: error-rate}\n");
        CanaryStep.of(running.spec.canarySteps().get(0)).run(running);
        assertThat(running.r.dueAt).isEqualTo(NOW.plusSeconds(30));
        assertThat(running.events).isEmpty();
        // the evidence is written with the move, not before
        assertThat(running.writes).hasSize(1);
        assertThat(evidence).isEmpty();
        running.writes.get(0).accept(running.r);
        assertThat(evidence).hasSize(1);

        verdict = new AnalysisGate.Passed(Map.of("value", 0.001));
        Move passed = move("    - analysis: {template: error-rate}\n");
        CanaryStep.of(passed.spec.canarySteps().get(0)).run(passed);
        assertThat(passed.r.currentStep).isEqualTo(1);
        assertThat(passed.events.get(0).details).containsEntry("template", "error-rate").containsEntry("value", 0.001);

        verdict = new AnalysisGate.Failed("error rate 0.2 over 0.01", Map.of("value", 0.2));
        Move failed = move("    - setWeight: 20\n    - analysis: {template: error-rate}\n");
        failed.r.currentStep = 1;
        failed.r.weight = 20;
        CanaryStep.of(failed.spec.canarySteps().get(1)).run(failed);
        assertThat(router.calls).containsExactly("zero");
        assertThat(failed.r.weight).isZero();
        assertThat(failed.r.state).isEqualTo(ReleaseState.Aborted);
        assertThat(failed.r.dueAt).isNull();
        ReleaseEvent last = failed.events.get(failed.events.size() - 1);
        assertThat(last.type).isEqualTo("AnalysisFailed");
        assertThat(last.details).containsEntry("weightBefore", 20);

        verdict = new AnalysisGate.Inconclusive("neither condition met", Map.of());
        Move unsure = move("    - analysis: {template: error-rate}\n");
        CanaryStep.of(unsure.spec.canarySteps().get(0)).run(unsure);
        assertThat(unsure.r.state).isEqualTo(ReleaseState.Paused);
        assertThat(unsure.r.pauseKind).isEqualTo("analysis");
        assertThat(Optional.ofNullable(unsure.r.dueAt)).isEmpty();
        assertThat(CanaryStep.of(new Step.Analysis("x", Map.of()))).isInstanceOf(CanaryStep.Analysis.class);
    }
}
