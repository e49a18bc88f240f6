package io.kubestead.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.kube.KubeNames;
import io.kubestead.testing.MutableClock;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class ReleaseEngineTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    /** The metric provider this test controls: how many evaluations stay Running, then the verdict. */
    static final class ControlledGate extends io.kubestead.analysis.AnalysisService {
        ControlledGate() {
            templates = io.quarkus.arc.Arc.container().instance(io.kubestead.template.TemplateService.class).get();
        }

        final AtomicInteger calls = new AtomicInteger();
        volatile int runningFor;
        volatile Verdict verdict = new Passed(Map.of("value", 0.001));
        /** When set, every evaluation waits for it: a metric provider that takes as long as the test wants. */
        volatile java.util.concurrent.CountDownLatch slow;
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();

        @Override
        public Verdict evaluate(Request request, java.util.function.Consumer<Runnable> atCommit) {
            if (!templates.exists(io.kubestead.template.TemplateKind.ANALYSIS, request.analysis().template())) {
                return new Broken("analysis template \"" + request.analysis().template() + "\" does not exist");
            }
            java.util.concurrent.CountDownLatch latch = slow;
            if (latch != null) {
                waiting.incrementAndGet();
                try {
                    latch.await(2, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                    return new Running(Instant.now().plusSeconds(60));
                } finally {
                    waiting.decrementAndGet();
                }
            }
            if (calls.incrementAndGet() <= runningFor) {
                return new Running(Instant.now().plusMillis(20));
            }
            return verdict;
        }
    }

    ControlledGate gate;
    String ns;
    String name;

    @BeforeEach
    void setUp() {
        gate = new ControlledGate();
        QuarkusMock.installMockForType(gate, AnalysisGate.class);
        ns = unique("ns");
        name = unique("svc");
        stable(client, ns, name, 3, "registry.example.com/" + name + ":1.0.0");
    }

    @AfterEach
    void tearDown() {
        MutableClock.INSTANCE.reset();
    }

    Deployment stableDeployment() {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    Deployment canary() {
        return client.apps().deployments().inNamespace(ns).withName(KubeNames.canary(name)).get();
    }

    @Test
    void theDesignSpecRunsEndToEnd() throws Exception {
        jobTemplate("db-migration-job", Map.of());
        given().contentType(YAML).body(java.nio.file.Files.readString(java.nio.file.Path.of("examples/http-error-rate-gate.yaml")))
                .put("/api/v1/analysis-templates/http-error-rate-gate").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - name: run-expand-migration
                      jobTemplate: db-migration-job
                      failureAction: abort
                  canarySteps:
                    - setWeight: 5
                    - pause:
                        duration: 5m
                    - analysis:
                        template: http-error-rate-gate
                    - setWeight: 100
                """.formatted(ns));
        gate.runningFor = 3;
        long id = release(name, "1.1.0");

        awaitState(id, "Paused");
        List<Job> jobs = hookJobs(client, ns, id);
        assertThat(jobs).hasSize(1);
        Job job = jobs.get(0);
        assertThat(job.getMetadata().getName()).isEqualTo(name + "-" + id + "-run-expand-migration");
        assertThat(job.getMetadata().getLabels()).containsEntry(KubeNames.LABEL_ROLLOUT, name)
                .containsEntry(KubeNames.LABEL_HOOK, "run-expand-migration");
        assertThat(canary().getSpec().getReplicas()).isEqualTo(1);
        assertThat(canary().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/" + name + ":1.1.0");
        assertThat(get(id).getInt("weight")).isEqualTo(5);

        // the 5-minute pause ends on the clock, not after five real minutes
        MutableClock.INSTANCE.advance(Duration.ofMinutes(5).plusSeconds(1));
        engine.wake();
        awaitState(id, "Promoted");

        assertThat(gate.calls.get()).isEqualTo(4);
        assertThat(stableDeployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/" + name + ":1.1.0");
        assertThat(canary()).isNull();
        assertThat(eventTypes(id)).containsSubsequence("Created", "HooksStarted", "HookStarted", "HookSucceeded",
                "HooksCompleted", "StepCompleted", "Paused", "Resumed", "StepCompleted", "StepCompleted",
                "StepCompleted", "StableUpdated", "Promoted");
        assertThat(hookJobs(client, ns, id)).hasSize(1);
    }

    @Test
    void aFailedHookWithAbortAbortsBeforeAnyCanaryExists() {
        jobTemplate("failing-migration", Map.of(KubeNames.SANDBOX_FAIL, "true"));
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - {name: migrate, jobTemplate: failing-migration, failureAction: abort}
                  canarySteps:
                    - setWeight: 50
                """.formatted(ns));
        long id = release(name, "2.0.0");
        awaitState(id, "Aborted");
        assertThat(canary()).isNull();
        assertThat(eventTypes(id)).doesNotContain("StepCompleted").contains("HookFailed");
        Map<String, Object> failed = events(id).stream().filter(e -> "HookFailed".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat((String) failed.get("reason")).contains("no canary was created");
        assertThat(failed.get("to")).isEqualTo("Aborted");
        assertThat(stableDeployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .endsWith(":1.0.0");
    }

    @Test
    void aFailedHookWithContinueWarnsAndGoesOn() {
        jobTemplate("failing-migration", Map.of(KubeNames.SANDBOX_FAIL, "true"));
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - {name: migrate, jobTemplate: failing-migration, failureAction: continue}
                  canarySteps:
                    - setWeight: 50
                """.formatted(ns));
        long id = release(name, "2.0.0");
        awaitState(id, "Promoted");
        Map<String, Object> failed = events(id).stream().filter(e -> "HookFailed".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) failed.get("details")).get("warning")).isEqualTo(true);
    }

    @Test
    void aMissingJobTemplateFailsTheReleaseSayingSo() {
        rollout(name, "  target: {namespace: %s}\n  preDeployHooks:\n    - {name: m, jobTemplate: nowhere-to-be-found}\n".formatted(ns));
        long id = release(name, "2.0.0");
        awaitState(id, "Failed");
        assertThat(events(id).get(events(id).size() - 1).get("reason").toString()).contains("nowhere-to-be-found")
                .contains("does not exist");
    }

    @Test
    void aMissingAnalysisTemplateFailsTheReleaseAndTakesTrafficOffTheCanary() {
        rollout(name, """
                  target: {namespace: %s}
                  canarySteps:
                    - setWeight: 40
                    - analysis: {template: no-such-gate}
                """.formatted(ns));
        long id = release(name, "2.0.0");
        awaitState(id, "Failed");
        assertThat(events(id).get(events(id).size() - 1).get("reason").toString())
                .contains("analysis template \"no-such-gate\" does not exist");
        assertThat(canary().getSpec().getReplicas()).isZero();
    }

    @Test
    void abortAtEveryStepSetsCanaryWeightZeroAndLeavesStableAlone() {
        rollout(name, """
                  target: {namespace: %s}
                  canarySteps:
                    - setWeight: 20
                    - pause: {}
                    - setWeight: 60
                    - pause: {}
                """.formatted(ns));
        var stableSpec = stableDeployment().getSpec();
        for (int abortAt = 0; abortAt < 4; abortAt++) {
            if (abortAt == 0) {
                simulator.pause(true);
            }
            long id = release(name, "3.0." + abortAt);
            try {
                switch (abortAt) {
                    case 0 -> { // setWeight 20, canary not yet ready
                        await().atMost(Duration.ofSeconds(30)).until(() -> "Progressing".equals(state(id)));
                    }
                    case 1 -> awaitState(id, "Paused");
                    case 2 -> { // setWeight 60 under way
                        awaitState(id, "Paused");
                        simulator.pause(true);
                        act(id, "resume", "tester", null);
                        await().atMost(Duration.ofSeconds(30)).until(() -> get(id).getInt("currentStep") == 2);
                    }
                    default -> {
                        awaitState(id, "Paused");
                        act(id, "resume", "tester", null);
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> get(id).getInt("currentStep") == 3 && "Paused".equals(state(id)));
                    }
                }
                assertThat(get(id).getInt("currentStep")).isEqualTo(abortAt);
                act(id, "abort", "carol", "abort at step " + abortAt);
                awaitState(id, "Aborted");
            } finally {
                simulator.pause(false);
            }
            assertThat(get(id).getInt("weight")).isZero();
            Deployment canary = canary();
            if (canary != null) {
                assertThat(canary.getSpec().getReplicas()).isZero();
            }
            Map<String, Object> aborted = events(id).get(events(id).size() - 1);
            assertThat(aborted.get("type")).isEqualTo("Aborted");
            assertThat(aborted.get("actor")).isEqualTo("token:carol (carol)");
            assertThat(aborted.get("reason")).isEqualTo("abort at step " + abortAt);
            // the simulated controller writes the stable Deployment's status; its spec nobody touches
            assertThat(stableDeployment().getSpec()).isEqualTo(stableSpec);
        }
    }

    @Test
    void pauseAndResume() {
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - setWeight: 100\n".formatted(ns));
        simulator.pause(true);
        try {
            long id = release(name, "4.0.0");
            awaitState(id, "Progressing");
            act(id, "pause", "dave", "looking at dashboards");
            assertThat(state(id)).isEqualTo("Paused");
            assertThat(get(id).getString("pauseKind")).isEqualTo("manual");
            given().post("/api/v1/releases/" + id + "/pause").then().statusCode(409)
                    .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("Paused"));
            simulator.pause(false);
            act(id, "resume", "dave", "all good");
            awaitState(id, "Promoted");
            assertThat(eventTypes(id)).containsSubsequence("Paused", "Resumed", "StepCompleted", "StepCompleted", "Promoted");
        } finally {
            simulator.pause(false);
        }
    }

    @Test
    void promoteFullSkipsTheRemainingSteps() {
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 10\n    - pause: {}\n    - setWeight: 50\n    - pause: {}\n".formatted(ns));
        long id = release(name, "5.0.0");
        awaitState(id, "Paused");
        act(id, "promote-full", "erin", "hotfix");
        awaitState(id, "Promoted");
        assertThat(stableDeployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).endsWith(":5.0.0");
        assertThat(canary()).isNull();
        assertThat(eventTypes(id)).containsSubsequence("PromoteFull", "StableUpdated", "Promoted");
        assertThat(eventTypes(id).stream().filter("StepCompleted"::equals).count()).isEqualTo(1);
    }

    @Test
    void promoteMovesToTheNextStep() {
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - pause: {}\n    - pause: {}\n".formatted(ns));
        long id = release(name, "5.1.0");
        awaitState(id, "Paused");
        act(id, "promote", "erin", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(id).getInt("currentStep") == 1 && "Paused".equals(state(id)));
        act(id, "promote", "erin", null);
        awaitState(id, "Promoted");
    }

    @Test
    void retryRunsTheStepsAgainWithoutRunningHooksTwice() {
        jobTemplate("quick-migration", Map.of());
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - {name: migrate, jobTemplate: quick-migration}
                  canarySteps:
                    - setWeight: 30
                    - pause: {}
                """.formatted(ns));
        long id = release(name, "6.0.0");
        awaitState(id, "Paused");
        act(id, "abort", "frank", "bad latency");
        awaitState(id, "Aborted");
        given().post("/api/v1/releases/" + id + "/abort").then().statusCode(409);
        act(id, "retry", "frank", "latency fixed");
        awaitState(id, "Paused");
        assertThat(get(id).getInt("attempt")).isEqualTo(2);
        act(id, "resume", "frank", null);
        awaitState(id, "Promoted");
        assertThat(hookJobs(client, ns, id)).hasSize(1);
        assertThat(eventTypes(id)).containsSubsequence("Aborted", "Retried", "StepCompleted", "Promoted");
    }

    @Test
    void invalidActionsAre409NamingTheState() {
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - pause: {}\n".formatted(ns));
        long id = release(name, "7.0.0");
        awaitState(id, "Paused");
        given().post("/api/v1/releases/" + id + "/retry").then().statusCode(409)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("it is Paused"));
        given().post("/api/v1/releases/" + id + "/explode").then().statusCode(404);
        given().contentType("application/json").body("{\"reason\": 5}").post("/api/v1/releases/" + id + "/abort")
                .then().statusCode(400).body("errors[0].path", org.hamcrest.Matchers.equalTo("reason"));
    }

    @Test
    void ofManyConcurrentConflictingActionsExactlyOneWins() throws Exception {
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 10\n    - pause: {}\n".formatted(ns));
        long id = release(name, "8.0.0");
        awaitState(id, "Paused");
        assertThat(concurrently(id, "resume")).isEqualTo(1);
        awaitState(id, "Promoted");
        long second = release(name, "8.0.1");
        awaitState(second, "Paused");
        assertThat(concurrently(second, "abort")).isEqualTo(1);
        awaitState(second, "Aborted");
        assertThat(concurrently(second, "retry")).isEqualTo(1);
        assertThat(events(second).stream().filter(e -> "AbortRequested".equals(e.get("type"))).count()).isEqualTo(1);
        assertThat(events(second).stream().filter(e -> "Retried".equals(e.get("type"))).count()).isEqualTo(1);
    }

    /** Sends the same action eight times at once; returns how many were accepted (the rest must be 409). */
    int concurrently(long id, String action) throws Exception {
        int n = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return given().post("/api/v1/releases/" + id + "/" + action).then().extract().statusCode();
            }));
        }
        start.countDown();
        int ok = 0;
        for (var f : results) {
            int status = f.get();
            assertThat(status).isIn(200, 409);
            ok += status == 200 ? 1 : 0;
        }
        pool.shutdown();
        return ok;
    }

    @Test
    void gatewayApiWeightsMoveOnTheHttpRoute() {
        client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(ns).resource(
                new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder().withNewMetadata().withName("route")
                        .withNamespace(ns).endMetadata().withNewSpec().addNewRule().addNewBackendRef().withName("svc-stable")
                        .withPort(8080).withWeight(100).endBackendRef().endRule().endSpec().build()).create();
        rollout(name, """
                  target: {namespace: %s}
                  trafficRouting:
                    gatewayAPI: {httpRoute: route, stableService: svc-stable, canaryService: svc-canary}
                  canarySteps:
                    - setWeight: 30
                    - pause: {}
                    - setWeight: 80
                    - pause: {}
                """.formatted(ns));
        long id = release(name, "9.0.0");
        awaitState(id, "Paused");
        assertThat(routeWeights()).isEqualTo(Map.of("svc-stable", 70, "svc-canary", 30));
        act(id, "resume", "gina", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(id).getInt("currentStep") == 3 && "Paused".equals(state(id)));
        assertThat(routeWeights()).isEqualTo(Map.of("svc-stable", 20, "svc-canary", 80));
        act(id, "abort", "gina", "errors");
        awaitState(id, "Aborted");
        assertThat(routeWeights()).isEqualTo(Map.of("svc-stable", 100, "svc-canary", 0));
        assertThat(canary().getSpec().getReplicas()).isZero();
    }

    Map<String, Integer> routeWeights() {
        var route = client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(ns)
                .withName("route").get();
        Map<String, Integer> w = new java.util.HashMap<>();
        route.getSpec().getRules().get(0).getBackendRefs().forEach(r -> w.put(r.getName(), r.getWeight()));
        return w;
    }

    @Test
    void anExistingHookJobIsAdoptedNeverCreatedTwice() {
        jobTemplate("quick-migration", Map.of());
        rollout(name, "  target: {namespace: %s}\n  preDeployHooks:\n    - {name: migrate, jobTemplate: quick-migration}\n".formatted(ns));
        engine.stop();
        try {
            long id = release(name, "10.0.0");
            // a Job made by an earlier move whose transaction never committed (a crash right after the create)
            String jobName = KubeNames.hookJob(name, id, "migrate", 1);
            Job made = client.batch().v1().jobs().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                    .withNewMetadata().withName(jobName).withNamespace(ns).addToLabels(KubeNames.LABEL_RELEASE, String.valueOf(id))
                    .endMetadata().withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                    .addNewContainer().withName("m").withImage("m:1").endContainer().endSpec().endTemplate().endSpec().build())
                    .create();
            engine.start();
            awaitState(id, "Promoted");
            List<Job> jobs = hookJobs(client, ns, id);
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).getMetadata().getUid()).isEqualTo(made.getMetadata().getUid());
        } finally {
            engine.start();
        }
    }

    @Test
    void anotherEngineResumesAReleaseMidHook() {
        jobTemplate("slow-migration", Map.of(io.kubestead.kube.SandboxSimulator.DURATION, "10m"));
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - {name: migrate, jobTemplate: slow-migration}
                  canarySteps:
                    - setWeight: 50
                """.formatted(ns));
        engine.stop();
        io.kubestead.engine.EngineRunner first = engine.newRunner("first");
        io.kubestead.engine.EngineRunner second = engine.newRunner("second");
        try {
            first.start();
            long id = release(name, "11.0.0");
            await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes(id).contains("HookStarted"));
            // the simulated Job must have started before the clock moves past its 10 minutes, or it starts after
            await().atMost(Duration.ofSeconds(30)).until(() -> hookJobs(client, ns, id).stream()
                    .anyMatch(j -> j.getStatus() != null && j.getStatus().getStartTime() != null));
            first.stop();
            second.start();
            MutableClock.INSTANCE.advance(Duration.ofMinutes(11));
            second.wake();
            awaitState(id, "Promoted");
            assertThat(hookJobs(client, ns, id)).hasSize(1);
            List<Object> engines = events(id).stream().map(e -> e.get("details") == null ? null
                    : ((Map<?, ?>) e.get("details")).get("engine")).filter(java.util.Objects::nonNull).map(Object.class::cast).toList();
            assertThat(engines).contains("first", "second");
            assertThat(eventTypes(id).stream().filter("HookStarted"::equals).count()).isEqualTo(1);
            assertThat(eventTypes(id).stream().filter("HookSucceeded"::equals).count()).isEqualTo(1);
        } finally {
            first.stop();
            second.stop();
            engine.start();
        }
    }

    @Inject
    io.kubestead.kube.SandboxSimulator simulator;

    @Test
    void aHookTemplateStoredBeforeThePodPolicyDoesNotRun() throws Exception {
        String template = unique("old-privileged");
        // stored directly, as by a version without the policy
        try (var c = java.sql.DriverManager.getConnection(io.kubestead.testing.PostgresResource.jdbcUrl(), "postgres", null);
                var st = c.prepareStatement("insert into template (kind, name, document, source, created_at, updated_at) "
                        + "values ('job', ?, ?::jsonb, 'old', now(), now())")) {
            st.setString(1, template);
            st.setString(2, "{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"spec\": {\"template\": {\"spec\": "
                    + "{\"hostPID\": true, \"restartPolicy\": \"Never\", \"containers\": [{\"name\": \"m\", \"image\": \"busybox\"}]}}}}");
            st.executeUpdate();
        }
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - name: migrate
                      jobTemplate: %s
                  canarySteps:
                    - setWeight: 10
                """.formatted(ns, template));
        long id = release(name, "1.0.0");
        awaitState(id, "Failed");
        assertThat(hookJobs(client, ns, id)).isEmpty();
        Map<String, Object> last = events(id).get(events(id).size() - 1);
        assertThat((String) last.get("reason")).contains("pod policy").contains("spec.template.spec.hostPID");
    }

    @Test
    void abortRetriesBackOffExponentiallyWithJitterUpToACap() {
        assertThat(Reconciler.abortBackoffMillis(1, 1.0)).isEqualTo(50);
        assertThat(Reconciler.abortBackoffMillis(2, 1.0)).isEqualTo(100);
        assertThat(Reconciler.abortBackoffMillis(5, 1.0)).isEqualTo(800);
        assertThat(Reconciler.abortBackoffMillis(30, 1.0)).isEqualTo(5_000);
        assertThat(Reconciler.abortBackoffMillis(30, 0.0)).isEqualTo(2_500);
        assertThat(Reconciler.abortBackoffMillis(3, 0.5)).isEqualTo(150);
        // and the release says so while it lasts
        io.kubestead.release.ReleaseView pending = new io.kubestead.release.ReleaseView(1, "r", 1, "v", "i",
                io.kubestead.release.ReleaseState.Paused, 0, 1, "step", null, 30, 1, "abort", "etcd unavailable", null, null,
                null, null, null, null, null);
        assertThat(pending.abortPending()).isEqualTo("abort pending: etcd unavailable");
        assertThat(given().get("/api/v1/releases?size=1").then().statusCode(200).extract().asString())
                .doesNotContain("abortPending");
    }

    @Test
    void anAbortIsCarriedOutWhileEveryWorkerWaitsOnASlowMetricAndTheSlowMovesAreDiscarded() throws Exception {
        given().contentType(YAML).body(java.nio.file.Files.readString(java.nio.file.Path.of("examples/http-error-rate-gate.yaml"))
                .replace("\r", "")).put("/api/v1/analysis-templates/http-error-rate-gate").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        String steps = """
                  target: {namespace: %s}
                  canarySteps:
                    - setWeight: 20
                    - analysis: {template: http-error-rate-gate}
                    - setWeight: 60
                """.formatted(ns);
        // the engine has 4 step workers: 5 releases in a slow analysis keep all of them busy
        java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
        gate.slow = slow;
        List<Long> ids = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                String n = name + "-" + i;
                stable(client, ns, n, 4, "registry.example.com/" + n + ":1.0.0");
                rollout(n, steps);
                names.add(n);
                ids.add(release(n, "2.0.0"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting.get() == 4);
            // one whose own move is in flight, and one no worker could get to yet
            long inFlight = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> io.kubestead.release.Release
                    .getEntityManager().createQuery("select r.id from Release r where r.id in ?1 and r.lease.claimedBy is not null",
                            Long.class).setParameter(1, ids).setMaxResults(1).getSingleResult());
            act(inFlight, "abort", "oncall", "error budget burning");
            awaitState(inFlight, "Aborted");
            String canary = KubeNames.canary(names.get(ids.indexOf(inFlight)));
            assertThat(client.apps().deployments().inNamespace(ns).withName(canary).get().getSpec().getReplicas()).isZero();
            // the abort took no step worker, and the aborted release's own slow measurement was cancelled (the worker
            // it freed may take the fifth release into the slow metric); the other three still wait on it
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.interrupted.get() == 1);
            assertThat(gate.waiting.get()).isGreaterThanOrEqualTo(3);
            long waitingOne = ids.stream().filter(id -> !"Aborted".equals(state(id)) && get(id).getInt("weight") == 0)
                    .findFirst().orElse(-1L);
            if (waitingOne > 0) {
                act(waitingOne, "abort", "oncall", null);
                awaitState(waitingOne, "Aborted");
            }
        } finally {
            slow.countDown();
            gate.slow = null;
        }
        for (long id : ids) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !io.kubestead.release.ReleaseState.parse(state(id)).active());
        }
        long aborted = ids.stream().filter(id -> "Aborted".equals(state(id))).count();
        assertThat(aborted).isGreaterThanOrEqualTo(1);
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            List<String> types = eventTypes(id);
            if ("Aborted".equals(state(id))) {
                // the slow move that was in flight was discarded: nothing after the abort, the canary stays at 0
                assertThat(types.get(types.size() - 1)).as("release %d: %s", id, types).isEqualTo("Aborted");
                assertThat(types.stream().filter("Aborted"::equals).count()).isEqualTo(1);
                var canary = client.apps().deployments().inNamespace(ns).withName(KubeNames.canary(names.get(i))).get();
                assertThat(canary == null ? 0 : canary.getSpec().getReplicas()).isZero();
            } else {
                assertThat(state(id)).isEqualTo("Promoted");
                assertThat(types.stream().filter("StepCompleted"::equals).count()).isEqualTo(3);
            }
        }
    }
}
