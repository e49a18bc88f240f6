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
        String tuned = database("bench_tuned");
        var plan = Recipes.plan(new SchemaChange.RenameColumn("users", "user_name", "display_name"), "character varying(255)");

        // (0) the writers alone for 8 s: what their latency is on this machine with nothing else going on
        Writers alone = new Writers(single);
        await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
        List<Double> baseline = alone.stop();

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

        // (ii) Kubestead's backfill with default settings, and (iii) with a 20 ms target batch time
        String ns = "bench-backfill";
        stable(client, ns, "bench-users", 2, "img:1");
        stable(client, ns, "bench-tuned", 2, "img:1");
        Run defaults = backfill("bench_backfill", backfill, "bench-users", "{}");
        Run shortBatches = backfill("bench_tuned", tuned, "bench-tuned", "{\"targetBatchTime\": \"20ms\"}");

        double singleRate = ROWS / singleSeconds;
        String report = String.format("backfill of %,d rows with %d writers updating random rows, %d/s each "
                + "(latency from when each write was due)%n"
                + "  (0)   writers alone, 8 s:                  writers %s%n"
                + "  (i)   single UPDATE:                       %,.0f rows/s (%.1f s); writers %s%n"
                + "  (ii)  Kubestead backfill, defaults:        %s; ratio to (i) %.2f%n"
                + "  (iii) Kubestead backfill, targetBatchTime 20ms: %s; ratio to (i) %.2f%n",
                ROWS, WRITERS, RATE, Stats.summary(baseline), singleRate, singleSeconds, Stats.summary(singleLatency), defaults,
                defaults.rate() / singleRate, shortBatches, shortBatches.rate() / singleRate);
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-backfill.txt"), report);
    }

    record Run(double seconds, int batches, int finalBatchSize, List<Double> latency) {
        double rate() {
            return ROWS / seconds;
        }

        @Override
        public String toString() {
            return String.format("%,.0f rows/s (%.1f s, %d batches, final batch size %d); writers %s", rate(), seconds,
                    batches, finalBatchSize, Stats.summary(latency));
        }
    }

    /** A pipeline's expand phase on its own copy of the table, writers running; the backfill's own timing. */
    Run backfill(String database, String url, String rollout, String settings) throws Exception {
        databases.register(database, url, "postgres", null);
        rollout(rollout, "  target: {namespace: bench-backfill}\n  canarySteps:\n    - setWeight: 50\n");
        given().contentType("application/json").body("""
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                 "contract": {"version": "4", "image": "app:4"}, "backfill": %s}""".formatted(database.replace('_', '-'),
                rollout, database, settings)).post("/api/v1/pipelines").then().statusCode(201);
        String path = "/api/v1/pipelines/" + database.replace('_', '-');
        Writers writers = new Writers(url);
        given().post(path + "/phases/expand/start").then().statusCode(200);
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(() -> "Completed".equals(
                given().get(path).then().extract().jsonPath().getString("backfill.state")));
        List<Double> latency = writers.stop();
        var progress = given().get(path).then().extract().jsonPath();
        double seconds = (java.time.Instant.parse(progress.getString("backfill.finishedAt")).toEpochMilli()
                - java.time.Instant.parse(progress.getString("backfill.startedAt")).toEpochMilli()) / 1000.0;
        return new Run(seconds, progress.getInt("backfill.batches"), progress.getInt("backfill.batchSize"), latency);
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

    /** Updates per second of each writer. */
    static final int RATE = 250;

    /**
     * Eight writers updating random rows (old-style), each at a steady rate, open loop: a write's latency is counted
     * from when it was due, so a writer stuck behind a lock is charged for every write it could not start.
     */
    static final class Writers {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();
        final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());

        Writers(String url) {
            for (int i = 0; i < WRITERS; i++) {
                Thread t = new Thread(() -> {
                    try (Connection c = DriverManager.getConnection(url, "postgres", null);
                            PreparedStatement ps = c.prepareStatement("update users set user_name = ? where id = ?")) {
                        long interval = 1_000_000_000L / RATE;
                        long due = System.nanoTime();
                        while (running.get()) {
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                            long id = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
                            ps.setString(1, "w-" + id);
                            ps.setLong(2, id);
                            ps.executeUpdate();
                            latencies.add((System.nanoTime() - due) / 1e6);
                            due += interval;
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
