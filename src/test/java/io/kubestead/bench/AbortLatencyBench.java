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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.kube.KubeNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Abort latency with 500 active releases and every step worker busy with a 30 s metric call: from sending the
 * abort request to the canary's weight 0 (its replicas 0) arriving at the Kubernetes API server, seen through a
 * watch. The 500 wait in an indefinite pause, so every run measures the same thing however slow the machine.
 * Run: bench/engine.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class AbortLatencyBench extends EngineFixture {

    static final int ACTIVE = 500;
    static final int ABORTS = 100;
    /** More releases in a slow analysis than the engine has step workers (4). */
    static final int BUSY = 6;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @Test
    void abortLatency() throws Exception {
        String ns = "bench-abort";
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ACTIVE; i++) {
            String name = "ab-" + i;
            stable(client, ns, name, 4, "img/" + name + ":1");
            rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 20\n    - pause: {}\n");
            ids.add(release(name, "2.0.0"));
            names.add(name);
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> ids.stream()
                .limit(ABORTS).allMatch(id -> "Paused".equals(state(id))));

        // a metric endpoint that answers after 30 s; every step worker ends up waiting on it
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger waiting = new AtomicInteger();
        HttpServer metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        metrics.setExecutor(handlers);
        metrics.createContext("/slow", exchange -> {
            waiting.incrementAndGet();
            try {
                finish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
            byte[] body = "{\"errorRate\": 0.0}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metrics.start();
        CanaryZeroWatch zeroSeen = new CanaryZeroWatch(client, ns);
        List<Double> latencies = new ArrayList<>();
        try {
            given().contentType(YAML).body("""
                    analysisTemplate:
                      name: slow-gate
                      provider:
                        web: {url: 'http://127.0.0.1:%d/slow', jsonPath: $.errorRate, timeout: 30s}
                      failureCondition: result > 0.01
                    """.formatted(metrics.getAddress().getPort())).put("/api/v1/analysis-templates/slow-gate");
            for (int i = 0; i < BUSY; i++) {
                String name = "busy-" + i;
                stable(client, ns, name, 2, "img/" + name + ":1");
                rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 10\n"
                        + "    - analysis: {template: slow-gate}\n");
                release(name, "2.0.0");
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> waiting.get() >= 4);

            for (int i = 0; i < ABORTS; i++) {
                String canary = KubeNames.canary(names.get(i));
                long t0 = System.nanoTime();
                given().contentType("application/json").body("{\"reason\": \"bench\"}")
                        .post("/api/v1/releases/" + ids.get(i) + "/abort").then().statusCode(200);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> zeroSeen.seen(canary));
                latencies.add((zeroSeen.nanos(canary) - t0) / 1e6);
            }
        } finally {
            int busyAtEnd = waiting.get();
            finish.countDown();
            zeroSeen.close();
            metrics.stop(0);
            handlers.shutdownNow();
            System.out.println("BENCH step workers still waiting on the 30 s metric after the last abort: " + busyAtEnd);
        }
        Timer server = registry.find("kubestead.abort.latency").timer();
        String report = String.format("abort latency, request sent -> canary weight 0 at the API server (%d aborts, %d active "
                + "releases, all 4 step workers waiting on a 30 s metric call): %s%n"
                + "  server side, request received -> weight 0 written: mean %.1f ms, max %.1f ms%n",
                ABORTS, ACTIVE, Stats.summary(latencies), server.mean(TimeUnit.MILLISECONDS), server.max(TimeUnit.MILLISECONDS));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-abort-latency.txt"), report);
    }
}
