package io.kubestead.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.Engine;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineRunner;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Two engines on one database (each with its own workers, abort lane and liveness key, sharing nothing but
 * PostgreSQL) and 2,000 releases: how many moves were made twice or on a stale view, read from the history.
 * Run: bench/engine.sh TwoReplicasBench
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class TwoReplicasBench extends EngineFixture {

    static final int RELEASES = 2000;

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    @Inject
    MeterRegistry registry;

    @Test
    void noDoubleActions() throws Exception {
        engine.stop();
        EngineRunner alpha = engine.newRunner("alpha");
        EngineRunner beta = engine.newRunner("beta");
        String ns = "bench-two";
        List<Long> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            alpha.start();
            beta.start();
            for (int i = 0; i < RELEASES; i++) {
                String name = "two-" + i;
                stable(client, ns, name, 2, "img/" + name + ":1");
                rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n"
                        + "    - pause: {duration: 1s}\n    - setWeight: 100\n");
                ids.add(release(name, "2.0.0"));
            }
            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> QuarkusTransaction
                    .requiringNew().call(() -> Release.count("id in ?1 and state = ?2", ids, ReleaseState.Promoted)) == RELEASES);
        } finally {
            alpha.stop();
            beta.stop();
            engine.start();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Set<Object> engines = new HashSet<>();
        long doubles = doubleActions(ids, 3, engines);
        double discarded = registry.find("kubestead.engine.discarded").counter().count();
        String report = String.format("two engines on one database, %d releases (3 steps each) promoted in %.0f s: "
                + "%d double or stale actions; moves discarded by the fence: %.0f; engines seen: %s%n",
                RELEASES, seconds, doubles, discarded, new java.util.TreeSet<>(engines.stream().map(String::valueOf).toList()));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-two-replicas.txt"), report);
    }
}
