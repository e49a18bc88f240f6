package io.kubestead.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Throughput of a token-authenticated GET /api/v1/releases/{id} against the same read with no authentication, in one
 * run, interleaved round by round so that drift of the machine affects both alike. Run: bench/auth.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
class AuthThroughputBench extends EngineFixture {

    static final int CLIENTS = 8;
    static final int REQUESTS_PER_ROUND = 8_000;
    static final int ROUNDS = 10;

    @Test
    void tokenAuthenticatedReadsKeepPace() throws Exception {
        String name = unique("bench");
        rollout(name, "  canarySteps:\n    - pause: {}\n");
        long id = release(name, "1.0.0");
        String token = tokenFor(unique("bench-reader"), "viewer");
        String base = RestAssured.baseURI + ":" + RestAssured.port;
        URI authenticated = URI.create(base + "/api/v1/releases/" + id);
        URI open = URI.create(base + "/api/v1/bench-unauthenticated/releases/" + id);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            // warm-up of both paths, until the JIT has settled
            for (int i = 0; i < 4; i++) {
                round(http, pool, authenticated, token, 10_000);
                round(http, pool, open, null, 10_000);
            }
            double withToken = 0;
            double without = 0;
            List<String> lines = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                double a = round(http, pool, authenticated, token, REQUESTS_PER_ROUND);
                double b = round(http, pool, open, null, REQUESTS_PER_ROUND);
                ratios.add(a / b);
                withToken += a;
                without += b;
                lines.add(String.format(Locale.ROOT, "BENCH auth round %d: token %.0f req/s, none %.0f req/s, ratio %.3f",
                        r + 1, a, b, a / b));
            }
            lines.add(String.format(Locale.ROOT, "BENCH auth GET /api/v1/releases/{id}, %d clients, %d rounds of %d: "
                    + "token %.0f req/s, unauthenticated %.0f req/s, ratio %.3f (goal >= 0.9)", CLIENTS, ROUNDS,
                    REQUESTS_PER_ROUND, withToken / ROUNDS, without / ROUNDS, withToken / without));
            ratios.sort(null);
            lines.add(String.format(Locale.ROOT, "BENCH auth median ratio of the rounds %.3f (min %.3f, max %.3f)",
                    (ratios.get(ROUNDS / 2 - 1) + ratios.get(ROUNDS / 2)) / 2, ratios.get(0), ratios.get(ROUNDS - 1)));
            lines.forEach(System.out::println);
            Files.write(Path.of("target/bench-auth.txt"), lines);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Requests per second over one round of {@code total} requests shared by the clients. */
    static double round(HttpClient http, ExecutorService pool, URI uri, String token, int total) throws Exception {
        AtomicLong left = new AtomicLong(total);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = b.build();
        List<Future<Integer>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(pool.submit(() -> {
                int failures = 0;
                while (left.getAndDecrement() > 0) {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                        failures++;
                    }
                }
                return failures;
            }));
        }
        int failures = 0;
        for (Future<Integer> f : futures) {
            failures += f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failures > 0) {
            throw new IllegalStateException(failures + " requests failed");
        }
        return total / seconds;
    }
}
