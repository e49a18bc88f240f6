package io.kubestead.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.testing.Postgres15;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * End to end on a target PostgreSQL 15 of the test's own with pg_stat_statements loaded: the "stable version" sends
 * its queries as role app; a plain rename is blocked naming the query it breaks; the same change as a renameColumn
 * pipeline passes its checks; contract stays shut while the old version still reads the old column and opens once
 * it stops. The shadow is a PostgreSQL 15 database too (same major: PREPARE and EXPLAIN EXECUTE with generic plans).
 */
@QuarkusTest
@TestProfile(StableWorkloadTest.Profile.class)
@WithKubernetesTestServer(crud = true)
class StableWorkloadTest extends EngineFixture {

    /** A PostgreSQL 15 with pg_stat_statements: database shop, role app (the application), role shadow (CREATEDB). */
    public static class Server implements QuarkusTestResourceLifecycleManager {
        static Path dir;
        static int port;

        @Override
        public Map<String, String> start() {
            try {
                dir = Postgres15.directory("kubestead-pgss");
                port = Postgres15.initAndStart(dir, "data", "shared_preload_libraries='pg_stat_statements'\n"
                        + "pg_stat_statements.track=top");
                try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", null); Statement s = c.createStatement()) {
                    s.execute("create database shop");
                    s.execute("create role app login");
                    s.execute("create role shadow login createdb password 'shadow-pw'");
                }
                try (Connection c = DriverManager.getConnection(url("shop"), "postgres", null); Statement s = c.createStatement()) {
                    s.execute("create extension pg_stat_statements");
                    s.execute("create table users (id bigserial primary key, user_name varchar(255), email text)");
                    s.execute("insert into users (user_name, email) select 'user-' || g, 'u' || g || '@example.com' "
                            + "from generate_series(1, 5000) g");
                    s.execute("grant select, insert, update on users to app");
                    s.execute("grant usage on sequence users_id_seq to app");
                    s.execute("analyze users");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("kubestead.databases.shop.jdbc-url", url("shop"), "kubestead.databases.shop.username", "postgres",
                    "kubestead.checks.shadows.pg15.jdbc-url", url("postgres"), "kubestead.checks.shadows.pg15.username", "shadow",
                    "kubestead.checks.shadows.pg15.password", "shadow-pw");
        }

        static String url(String db) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
        }

        @Override
        public void stop() {
            Postgres15.stop(dir, "data");
        }
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kubestead.engine.enabled", "true", "kubestead.checks.quiet-period", "0s",
                    // looked at only when the test asks (and at promotion)
                    "kubestead.checks.watch-interval", "1h");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Server.class));
        }
    }

    @Inject
    KubernetesClient client;

    /** The stable version: reads and writes user_name, as role app, until told to stop. */
    static Thread stableVersion(AtomicBoolean running, AtomicLong calls) {
        Thread t = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(Server.url("shop"), "app", null);
                    PreparedStatement read = c.prepareStatement("select id, user_name from users where id = ?");
                    PreparedStatement insert = c.prepareStatement("insert into users (user_name, email) values (?, ?)")) {
                while (running.get()) {
                    read.setLong(1, ThreadLocalRandom.current().nextLong(1, 5000));
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                    }
                    insert.setString(1, "new-" + System.nanoTime());
                    insert.setString(2, "x@example.com");
                    insert.executeUpdate();
                    calls.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    JsonPath pipeline(String name) {
        return given().get("/api/v1/pipelines/" + name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aPlainRenameIsBlockedThePipelinePassesAndContractWaitsForTheOldVersion() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        Thread stable = stableVersion(running, calls);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 20);

            // 1. the plain rename: blocked, naming the query of the running version that it breaks
            JsonPath plain = given().contentType("application/json")
                    .body(Map.of("sql", "set lock_timeout = '2s'; alter table users rename column user_name to display_name"))
                    .post("/api/v1/databases/shop/checks").then().statusCode(201).extract().jsonPath();
            assertThat(plain.getString("verdict")).isEqualTo("blocked");
            assertThat(plain.getString("stableQueries.source")).isEqualTo("pg_stat_statements");
            assertThat(plain.getString("shadow.server")).isEqualTo("pg15");
            assertThat(plain.getBoolean("shadow.sameMajor")).isTrue();
            List<String> broken = plain.getList("findings.findAll { it.rule == 'breaks-stable-query' }.message", String.class);
            assertThat(broken).anySatisfy(m -> assertThat(m).contains("select id, user_name from users where id = $1"));
            assertThat(plain.getList("findings.findAll { it.rule == 'insert-omits-not-null-column' || it.rule == 'breaks-stable-query' }"
                    + ".statement", Integer.class)).containsOnly(2);

            // 2. the same change as a pipeline: expand passes its check, with the same queries running
            String ns = unique("shop");
            String rollout = unique("shop");
            stable(client, ns, rollout, 2, "img/shop:1");
            rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
            String name = unique("rename");
            given().contentType("application/json").body("""
                    {"name": "%s", "rollout": "%s", "database": "shop",
                     "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                     "expand": {"version": "2.0.0", "image": "img/shop:2.0.0"},
                     "migrate": {"version": "2.1.0", "image": "img/shop:2.1.0"},
                     "contract": {"version": "2.2.0", "image": "img/shop:2.2.0"},
                     "confidenceWindow": "1s"}
                    """.formatted(name, rollout)).post("/api/v1/pipelines").then().statusCode(201);
            JsonPath created = pipeline(name);
            assertThat(created.getString("phases[0].check.verdict")).isEqualTo("safe");
            given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);
            await().atMost(Duration.ofSeconds(90)).until(() -> "Completed".equals(pipeline(name).getString("backfill.state"))
                    && "Promoted".equals(pipeline(name).getString("phases[0].release.state")));
            given().post("/api/v1/pipelines/" + name + "/phases/migrate/start").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> "Promoted".equals(pipeline(name).getString("phases[1].release.state")));

            // 3. contract: shut while the old version still reads user_name
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonPath refused = given().post("/api/v1/pipelines/" + name + "/phases/contract/start").then().statusCode(409)
                        .extract().jsonPath();
                List<Map<String, String>> errors = refused.getList("errors");
                assertThat(errors).anySatisfy(e -> {
                    assertThat(e.get("path")).isEqualTo("gates.oldQueriesStopped");
                    assertThat(e.get("message")).contains("user_name");
                });
            });
            assertThat(pipeline(name).getString("phases[2].check.verdict")).isNotEqualTo("blocked");
        } finally {
            running.set(false);
            stable.join();
        }
        // 4. the old version has stopped: contract opens once a look sees no new reads
        String name = given().get("/api/v1/pipelines").then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.database == 'shop' }.name");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> given()
                .post("/api/v1/pipelines/" + name + "/phases/contract/start").statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "Completed".equals(pipeline(name).getString("state")));
        try (Connection c = DriverManager.getConnection(Server.url("shop"), "postgres", null);
                ResultSet rs = c.createStatement().executeQuery("select count(*) from information_schema.columns "
                        + "where table_name = 'users' and column_name = 'user_name'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
