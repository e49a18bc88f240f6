package io.kubestead.bench;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.kube.KubeNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Abort latency with 500 active releases: from sending the abort request to the canary's weight 0 (its
 * replicas 0) arriving at the Kubernetes API server, seen through a watch. Run: bench/engine.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class AbortLatencyBench extends EngineFixture {

    static final int ACTIVE = 500;
    static final int ABORTS = 100;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @Test
    void abortLatency() throws Exception {
        String ns = "bench-abort";
        StringBuilder steps = new StringBuilder("  target: {namespace: " + ns + "}\n  canarySteps:\n");
        for (int w = 5; w <= 100; w += 5) {
            steps.append("    - setWeight: ").append(w).append("\n    - pause: {duration: 3s}\n");
        }
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ACTIVE; i++) {
            String name = "ab-" + i;
            stable(client, ns, name, 4, "img/" + name + ":1");
            rollout(name, steps.toString());
            ids.add(release(name, "2.0.0"));
            names.add(name);
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> ids.stream()
                .limit(ABORTS).allMatch(id -> get(id).getInt("weight") > 0));

        CanaryZeroWatch zeroSeen = new CanaryZeroWatch(client, ns);
        List<Double> latencies = new ArrayList<>();
        try {
            for (int i = 0; i < ABORTS; i++) {
                String canary = KubeNames.canary(names.get(i));
                long t0 = System.nanoTime();
                given().contentType("application/json").body("{\"reason\": \"bench\"}")
                        .post("/api/v1/releases/" + ids.get(i) + "/abort").then().statusCode(200);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> zeroSeen.seen(canary));
                latencies.add((zeroSeen.nanos(canary) - t0) / 1e6);
            }
        } finally {
            zeroSeen.close();
        }
        Timer server = registry.find("kubestead.abort.latency").timer();
        String report = String.format("abort latency, request sent -> canary weight 0 at the API server (%d aborts, %d active releases): %s%n"
                + "  server side, request received -> weight 0 written: mean %.1f ms, max %.1f ms%n",
                ABORTS, ACTIVE, Stats.summary(latencies), server.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                server.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-abort-latency.txt"), report);
    }
}
