package io.kubestead.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.WorkLoop;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.kubestead.testing.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** Expand-migrate-contract on a real PostgreSQL, with writers old and new writing all along. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class PipelineTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    TargetDatabases databases;

    @Inject
    Backfills backfills;

    @AfterEach
    void resetClock() {
        MutableClock.INSTANCE.reset();
    }

    String setUp(String db, int rows) throws Exception {
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        TargetDatabase.exec(url, "create table users (id bigserial primary key, user_name varchar(255), email text)",
                "insert into users (user_name, email) select 'user-' || g, 'u' || g || '@example.com' from generate_series(1, "
                        + rows + ") g",
                "analyze users");
        return url;
    }

    String pipeline(String name, String rollout, String db, String backfill) {
        String ns = unique("pl");
        stable(client, ns, rollout, 2, "img/" + rollout + ":1");
        rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
        return """
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2.0.0", "image": "img/app:2.0.0"},
                 "migrate": {"version": "2.1.0", "image": "img/app:2.1.0"},
                 "contract": {"version": "2.2.0", "image": "img/app:2.2.0"},
                 "backfill": %s,
                 "confidenceWindow": "48h"}
                """.formatted(name, rollout, db, backfill);
    }

    JsonPath view(String name) {
        return given().get("/api/v1/pipelines/" + name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void renameColumnUnderLiveWritersLosesAndMismatchesNothing() throws Exception {
        String db = "target_" + unique("r").substring(2).replace("-", "");
        String url = setUp(db, 200_000);
        String name = unique("rename");
        given().contentType("application/json").body(pipeline(name, unique("users"), db,
                "{\"batchSize\": 1000, \"pause\": \"5ms\"}")).post("/api/v1/pipelines").then().statusCode(201)
                .body("phases[0].sql", hasItem(org.hamcrest.Matchers.containsString("add column if not exists \"display_name\" character varying(255)")))
                .body("phases[2].sql", hasItem(org.hamcrest.Matchers.containsString("drop column if exists \"user_name\"")));

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong inserted = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        // a writer that fails (a lock it could not get, a column gone under it) fails the test
        java.util.Queue<Throwable> writerFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int w = 0; w < 4; w++) {
            boolean newStyle = w % 2 == 1;
            Thread t = new Thread(() -> write(url, newStyle, writing, inserted, writes));
            t.setUncaughtExceptionHandler((thread, e) -> writerFailures.add(e));
            writers.add(t);
            t.start();
        }
        try {
            given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> !"Pending".equals(view(name).getString("backfill.state")));
            given().post("/api/v1/pipelines/" + name + "/backfill/pause").then().statusCode(200);
            // the gates say no while the backfill is unfinished
            JsonPath refused = given().post("/api/v1/pipelines/" + name + "/phases/migrate/start").then().statusCode(409)
                    .contentType("application/problem+json").extract().jsonPath();
            assertThat(refused.getList("errors.path", String.class)).contains("gates.backfillCompleted");
            given().post("/api/v1/pipelines/" + name + "/backfill/resume").then().statusCode(200);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "Completed".equals(view(name).getString("backfill.state"))
                            && "Promoted".equals(view(name).getString("phases[0].release.state")));
        } finally {
            writing.set(false);
            for (Thread t : writers) {
                t.join();
            }
        }
        assertThat(writerFailures).as("writers that failed").isEmpty();
        assertThat(writes.get()).isPositive();
        JsonPath done = view(name);
        assertThat(done.getLong("backfill.mismatches")).isZero();
        assertThat(done.getLong("backfill.rowsScanned")).isGreaterThanOrEqualTo(200_000);
        assertThat(TargetDatabase.count(url, "select count(*) from users")).isEqualTo(200_000 + inserted.get());
        assertThat(TargetDatabase.count(url, "select count(*) from users where display_name is distinct from user_name")).isZero();
        assertThat(TargetDatabase.count(url, "select count(*) from users where display_name is null")).isZero();

        given().post("/api/v1/pipelines/" + name + "/phases/migrate/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "Promoted".equals(view(name).getString("phases[1].release.state")));
        JsonPath early = given().post("/api/v1/pipelines/" + name + "/phases/contract/start").then().statusCode(409)
                .extract().jsonPath();
        assertThat(early.getList("errors.path", String.class)).containsExactly("gates.confidenceWindow");

        MutableClock.INSTANCE.advance(Duration.ofHours(48).plusMinutes(1));
        given().post("/api/v1/pipelines/" + name + "/phases/contract/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "Completed".equals(view(name).getString("state")));
        assertThat(TargetDatabase.count(url, "select count(*) from information_schema.columns where table_name = 'users' "
                + "and column_name = 'user_name'")).isZero();
        assertThat(TargetDatabase.count(url, "select count(*) from pg_trigger where tgname like 'ks_sync_%'")).isZero();
        assertThat(TargetDatabase.count(url, "select count(*) from users where display_name is null")).isZero();
        assertThat(TargetDatabase.count(url, "select count(*) from users")).isEqualTo(200_000 + inserted.get());
        assertThat(view(name).getString("schema")).startsWith("contracted");
    }

    /** Stable pods write only user_name; new pods write both. Updates hit random rows; some rows are inserted. */
    static void write(String url, boolean newStyle, AtomicBoolean writing, AtomicLong inserted, AtomicLong writes) {
        try (Connection c = TargetDatabase.connect(url)) {
            boolean expanded = false;
            while (writing.get()) {
                long id = ThreadLocalRandom.current().nextLong(1, 200_001);
                String value = (newStyle ? "new-" : "old-") + id + "-" + System.nanoTime();
                if (!expanded && newStyle) {
                    expanded = TargetDatabase.count(url, "select count(*) from information_schema.columns where "
                            + "table_name = 'users' and column_name = 'display_name'") > 0;
                }
                boolean both = newStyle && expanded;
                boolean insert = ThreadLocalRandom.current().nextInt(10) == 0;
                String sql = insert
                        ? (both ? "insert into users (user_name, display_name) values (?, ?)" : "insert into users (user_name) values (?)")
                        : (both ? "update users set user_name = ?, display_name = ? where id = ?" : "update users set user_name = ? where id = ?");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, value);
                    int i = 2;
                    if (both) {
                        ps.setString(i++, value);
                    }
                    if (!insert) {
                        ps.setLong(i, id);
                    }
                    ps.executeUpdate();
                }
                if (insert) {
                    inserted.incrementAndGet();
                }
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aStoppedRunnerIsResumedFromTheCheckpointAndEachRowIsUpdatedOnce() throws Exception {
        String db = "target_" + unique("c").substring(2).replace("-", "");
        String url = setUp(db, 20_000);
        TargetDatabase.exec(url, "create table touched (id bigint not null)",
                "create function touch() returns trigger language plpgsql as $$ begin insert into touched values (new.id); "
                        + "return new; end $$",
                "create trigger touch after update on users for each row execute function touch()");
        String name = unique("crash");
        backfills.stop();
        WorkLoop first = backfills.newRunner("first");
        WorkLoop second = backfills.newRunner("second");
        try {
            given().contentType("application/json").body(pipeline(name, unique("users"), db,
                    "{\"batchSize\": 100, \"pause\": \"50ms\", \"targetBatchTime\": \"1ms\"}")).post("/api/v1/pipelines")
                    .then().statusCode(201);
            given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> "Running".equals(view(name).getString("backfill.state")));
            first.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> view(name).getLong("backfill.rowsDone") >= 2_000);
            first.stop();
            long checkpoint = view(name).getLong("backfill.rowsScanned");
            assertThat(checkpoint).isLessThan(20_000);
            second.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> "Completed".equals(view(name).getString("backfill.state")));
        } finally {
            first.stop();
            second.stop();
            backfills.start();
        }
        assertThat(TargetDatabase.count(url, "select count(*) from touched")).isEqualTo(20_000);
        assertThat(TargetDatabase.count(url, "select count(*) from (select id from touched group by id having count(*) > 1) d")).isZero();
        assertThat(view(name).getLong("backfill.mismatches")).isZero();
    }

    @Test
    void badPipelinesAreRefusedWithExactPaths() throws Exception {
        String db = "target_" + unique("b").substring(2).replace("-", "");
        String url = setUp(db, 10);
        TargetDatabase.exec(url, "create table nokey (v text)");
        String rollout = unique("users");
        String body = pipeline(unique("bad"), rollout, db, "{}");
        given().contentType("application/json").body(body.replace("\"users\"", "\"nokey\"").replace("user_name", "v"))
                .post("/api/v1/pipelines").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("change.renameColumn.table"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("no primary key"));
        given().contentType("application/json").body(body.replace("\"from\": \"user_name\"", "\"from\": \"nope\""))
                .post("/api/v1/pipelines").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("change.renameColumn.from"));
        given().contentType("application/json").body(body.replace("\"database\": \"" + db + "\"", "\"database\": \"elsewhere\""))
                .post("/api/v1/pipelines").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("database"));
        given().contentType("application/json").body(body.replace("\"batchSize\"", "\"x\"").replace("{}", "{\"batchSize\": 50000}"))
                .post("/api/v1/pipelines").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("backfill.batchSize"));
        given().contentType("application/json").body("{\"name\": \"x\"}").post("/api/v1/pipelines").then().statusCode(400)
                .body("errors.path", hasItem("change")).body("errors.path", hasItem("expand"));
        assertThat(databases.names()).contains("configured-db", db);
        given().contentType("application/json").body(body.replace("\"database\": \"" + db + "\"", "\"database\": \"configured-db\""))
                .post("/api/v1/pipelines").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("database"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("cannot reach"));
        given().get("/api/v1/pipelines/nothing").then().statusCode(404);
        given().post("/api/v1/pipelines/nothing/phases/expand/start").then().statusCode(404);
    }
}
