package io.kubestead.bench;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.kube.KubeNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * From a failing measurement to the canary's weight 0 at the Kubernetes API server: 50 canaries whose metric
 * endpoint reports a 50% error rate. The measurement time is the one stored with the measurement; the weight-0
 * time is when a watch on the canary Deployments sees replicas 0. Run: bench/analysis.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class AnalysisAbortBench extends EngineFixture {

    static final int RELEASES = 50;

    @Inject
    KubernetesClient client;

    @Test
    void failingMeasurementToWeightZero() throws Exception {
        HttpServer metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metrics.createContext("/rate", exchange -> {
            byte[] body = "{\"errorRate\": 0.5}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metrics.start();
        String ns = "bench-analysis";
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: bench-gate
                  provider:
                    web: {url: 'http://127.0.0.1:%d/rate', jsonPath: $.errorRate}
                  failureCondition: result > 0.01
                """.formatted(metrics.getAddress().getPort())).put("/api/v1/analysis-templates/bench-gate");
        stable(client, ns, "warmup", 1, "img:1");
        CanaryZeroWatch zeroSeen = new CanaryZeroWatch(client, ns);
        List<Double> toZero = new ArrayList<>();
        try {
            for (int i = 0; i < RELEASES; i++) {
                String name = "an-" + i;
                stable(client, ns, name, 2, "img/" + name + ":1");
                rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n"
                        + "    - analysis: {template: bench-gate}\n");
                long id = release(name, "2.0.0");
                awaitState(id, "Aborted");
                String canary = KubeNames.canary(name);
                await().atMost(Duration.ofSeconds(10)).until(() -> zeroSeen.seen(canary));
                String measuredAt = given().get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath()
                        .getString("items[0].measurements[-1].at");
                toZero.add((double) (zeroSeen.epochMillis(canary) - java.time.Instant.parse(measuredAt).toEpochMilli()));
            }
        } finally {
            zeroSeen.close();
            metrics.stop(0);
        }
        String report = String.format("failing measurement -> canary weight 0 at the API server (%d canaries): %s%n",
                RELEASES, Stats.summary(toZero));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-analysis-abort.txt"), report);
    }
}
