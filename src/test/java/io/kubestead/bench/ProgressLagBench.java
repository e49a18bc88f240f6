package io.kubestead.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseEvent;
import io.kubestead.release.ReleaseState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * 1,000 releases progressing at once on one engine: the lag between a step becoming due (a timed pause ending)
 * and the engine acting on it, read from the history (the Paused event's "until" against the Resumed event).
 * Run: bench/engine.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class ProgressLagBench extends EngineFixture {

    static final int RELEASES = 1000;

    @Inject
    KubernetesClient client;

    @Test
    void progressLag() throws Exception {
        String ns = "bench-lag";
        String steps = "  target: {namespace: " + ns + "}\n  canarySteps:\n"
                + "    - setWeight: 10\n    - pause: {duration: 2s}\n    - setWeight: 30\n    - pause: {duration: 2s}\n"
                + "    - setWeight: 60\n    - pause: {duration: 2s}\n    - setWeight: 100\n";
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < RELEASES; i++) {
            String name = "lag-" + i;
            stable(client, ns, name, 2, "img/" + name + ":1");
            rollout(name, steps);
            ids.add(release(name, "2.0.0"));
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> Release.count("id in ?1 and state = ?2", ids, ReleaseState.Promoted)) == RELEASES);

        List<Double> lags = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            List<ReleaseEvent> events = ReleaseEvent.list("releaseId in ?1 and type in ('Paused', 'Resumed') order by id", ids);
            java.util.Map<Long, Instant> until = new java.util.HashMap<>();
            for (ReleaseEvent e : events) {
                if ("Paused".equals(e.type)) {
                    until.put(e.releaseId, Instant.parse((String) e.details.get("until")));
                } else if (until.containsKey(e.releaseId)) {
                    lags.add(Duration.between(until.remove(e.releaseId), e.at).toNanos() / 1e6);
                }
            }
        });
        String report = String.format("step lag, due -> acted on (%d releases progressing at once, one instance, 4 workers): %s%n",
                RELEASES, Stats.summary(lags));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-progress-lag.txt"), report);
    }
}
