package io.kubestead.bench;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.pipeline.Recipes;
import io.kubestead.pipeline.SchemaChange;
import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A 1,000,000-row table while 8 writers update random rows: (i) the seed's single UPDATE ... WHERE display_name
 * IS NULL versus (ii) Kubestead's backfill (a pipeline's expand phase, default settings). Each runs on its own
 * fresh copy of the table with the same expand trigger in place. Reports rows/s and the writers' latency while it
 * runs. Run: bench/backfill.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class BackfillBench extends EngineFixture {

    static final int ROWS = 1_000_000;
    static final int WRITERS = 8;

    @Inject
    KubernetesClient client;

    @Inject
    TargetDatabases databases;

    @Test
    void singleUpdateVersusBackfill() throws Exception {
        String single = database("bench_single");
        String backfill = database("bench_backfill");
        var plan = Recipes.plan(new SchemaChange.RenameColumn("users", "user_name", "display_name"), "character varying(255)");

        // (i) the single UPDATE, with the expand schema in place
        try (Connection c = DriverManager.getConnection(single, "postgres", null); Statement s = c.createStatement()) {
            for (String sql : plan.expand()) {
                s.execute(sql);
            }
        }
        Writers w1 = new Writers(single);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(single, "postgres", null); Statement s = c.createStatement()) {
            s.executeUpdate("update users set display_name = user_name where display_name is null");
        }
        double singleSeconds = (System.nanoTime() - t0) / 1e9;
        List<Double> singleLatency = w1.stop();

        // (ii) Kubestead's backfill, through a pipeline's expand phase
        databases.register("bench_backfill", backfill, "postgres", null);
        String ns = "bench-backfill";
        stable(client, ns, "bench-users", 2, "img:1");
        rollout("bench-users", "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
        given().contentType("application/json").body("""
                {"name": "bench", "rollout": "bench-users", "database": "bench_backfill",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                 "contract": {"version": "4", "image": "app:4"}}""").post("/api/v1/pipelines").then().statusCode(201);
        Writers w2 = new Writers(backfill);
        given().post("/api/v1/pipelines/bench/phases/expand/start").then().statusCode(200);
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(() -> "Completed".equals(
                given().get("/api/v1/pipelines/bench").then().extract().jsonPath().getString("backfill.state")));
        List<Double> backfillLatency = w2.stop();
        var progress = given().get("/api/v1/pipelines/bench").then().extract().jsonPath();
        double backfillSeconds = (java.time.Instant.parse(progress.getString("backfill.finishedAt")).toEpochMilli()
                - java.time.Instant.parse(progress.getString("backfill.startedAt")).toEpochMilli()) / 1000.0;

        double singleRate = ROWS / singleSeconds;
        double backfillRate = ROWS / backfillSeconds;
        String report = String.format("backfill of %,d rows with %d writers updating random rows%n"
                + "  (i)  single UPDATE:        %,.0f rows/s (%.1f s); writers %s%n"
                + "  (ii) Kubestead backfill:   %,.0f rows/s (%.1f s, %d batches, final batch size %d); writers %s%n"
                + "  ratio (ii)/(i): %.2f%n",
                ROWS, WRITERS, singleRate, singleSeconds, Stats.summary(singleLatency), backfillRate, backfillSeconds,
                progress.getInt("backfill.batches"), progress.getInt("backfill.batchSize"), Stats.summary(backfillLatency),
                backfillRate / singleRate);
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-backfill.txt"), report);
    }

    static String database(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        String url = PostgresResource.postgres().getJdbcUrl("postgres", name);
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            s.execute("create table users (id bigserial primary key, user_name varchar(255), email text)");
            s.execute("insert into users (user_name, email) select 'user-' || g, 'u' || g || '@example.com' "
                    + "from generate_series(1, " + ROWS + ") g");
            s.execute("vacuum analyze users");
        }
        return url;
    }

    /** Eight writers updating random rows, old-style, each timing every statement until stopped. */
    static final class Writers {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();
        final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());

        Writers(String url) {
            for (int i = 0; i < WRITERS; i++) {
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url, "postgres", null);
                            PreparedStatement ps = c.prepareStatement("update users set user_name = ? where id = ?")) {
                        while (running.get()) {
                            long id = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
                            ps.setString(1, "w-" + id);
                            ps.setLong(2, id);
                            long t0 = System.nanoTime();
                            ps.executeUpdate();
                            latencies.add((System.nanoTime() - t0) / 1e6);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
        }

        List<Double> stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            return new ArrayList<>(latencies);
        }
    }
}
