package io.kubestead.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.kubestead.engine.EngineFixture;
import io.kubestead.kube.KubeNames;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseEvent;
import io.kubestead.release.ReleaseState;
import io.kubestead.testing.MutableClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Kubernetes API server misbehaves: 20% of requests answer 500, 5% hang past the client's timeout, 3% have
 * their connection reset (watches included). Releases still end as they should, with one history each; pending aborts
 * are retried no more than the backoff cap apart and are carried out once the faults stop. A short variant runs in
 * CI; {@code bench/faults.sh} runs it longer.
 */
@QuarkusTest
@TestProfile(ClusterFaultsTest.Faulty.class)
class ClusterFaultsTest extends EngineFixture {

    public static class Faulty implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kubestead.engine.enabled", "true", "kubestead.engine.threads", "4");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FaultyCluster.class));
        }
    }

    static final int PROMOTED = Integer.getInteger("faults.releases", 6);
    static final int ABORTED = Integer.getInteger("faults.aborts", 3);

    @Test
    void releasesEndCorrectlyAndAbortsAreCarriedOutThroughAFaultyApiServer() {
        String ns = unique("faults");
        List<Long> promoted = new ArrayList<>();
        List<Long> aborted = new ArrayList<>();
        List<String> abortedNames = new ArrayList<>();
        for (int i = 0; i < PROMOTED + ABORTED; i++) {
            String name = "f" + i + "-" + ns.substring(7);
            stable(FaultyCluster.direct, ns, name, 4, "img/" + name + ":1");
            boolean toAbort = i >= PROMOTED;
            rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 25\n"
                    + (toAbort ? "    - pause: {}\n" : "    - pause: {duration: 1s}\n") + "    - setWeight: 75\n");
            if (toAbort) {
                abortedNames.add(name);
            }
        }
        FaultyCluster.proxy.faults(true);
        try {
            for (int i = 0; i < PROMOTED + ABORTED; i++) {
                String name = "f" + i + "-" + ns.substring(7);
                long id = release(name, "2.0.0");
                (i >= PROMOTED ? aborted : promoted).add(id);
            }
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                    .until(() -> aborted.stream().allMatch(id -> "Paused".equals(state(id))));
            for (long id : aborted) {
                act(id, "abort", "oncall", "faults drill");
            }
            // while the API server keeps failing, a pending abort is never put off longer than the backoff cap
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> QuarkusTransaction.requiringNew().run(() -> {
                        Instant latest = MutableClock.INSTANCE.instant().plusMillis(5_000);
                        for (Release r : Release.<Release>list("id in ?1 and requestedAction = 'abort'", aborted)) {
                            assertThat(r.dueAt).as("release %d's next abort attempt", r.id).isBeforeOrEqualTo(latest);
                        }
                    }));
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250)).until(() -> promoted.stream()
                    .allMatch(id -> !ReleaseState.parse(state(id)).active()));
        } finally {
            FaultyCluster.proxy.faults(false);
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> aborted.stream().allMatch(id -> "Aborted".equals(state(id))));
        System.out.println("FAULTS " + FaultyCluster.proxy.counts());
        assertThat(FaultyCluster.proxy.errors.get() + FaultyCluster.proxy.hangs.get() + FaultyCluster.proxy.resets.get())
                .as("faults injected").isPositive();

        for (long id : promoted) {
            assertThat(state(id)).as("release %d", id).isEqualTo("Promoted");
        }
        assertThat(doubleActions(promoted, 3, new HashSet<>())).isZero();
        for (int i = 0; i < aborted.size(); i++) {
            long id = aborted.get(i);
            List<String> types = eventTypes(id);
            assertThat(types.stream().filter("Aborted"::equals).count()).as("release %d: %s", id, types).isEqualTo(1);
            assertThat(types.get(types.size() - 1)).isEqualTo("Aborted");
            Deployment canary = FaultyCluster.direct.apps().deployments().inNamespace(ns)
                    .withName(KubeNames.canary(abortedNames.get(i))).get();
            assertThat(canary == null ? 0 : canary.getSpec().getReplicas()).isZero();
        }
        // every history is one chain: each event starts in the state the previous one left
        QuarkusTransaction.requiringNew().run(() -> {
            for (long id : aborted) {
                ReleaseState state = null;
                for (ReleaseEvent e : ReleaseEvent.<ReleaseEvent>list("releaseId = ?1 order by id", id)) {
                    if (state != null) {
                        assertThat(e.fromState).as("release %d, event %s", id, e.type).isEqualTo(state);
                    }
                    state = e.toState;
                }
            }
        });
    }
}
