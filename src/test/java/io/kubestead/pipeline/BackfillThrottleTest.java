package io.kubestead.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** With a real streaming replica whose replay is paused, the backfill waits for the lag, then goes on. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class BackfillThrottleTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    TargetDatabases databases;

    @Test
    void theBackfillWaitsWhileReplicationLagIsOverTheLimit() throws Exception {
        try (StreamingReplica pair = new StreamingReplica()) {
            String url = pair.primaryUrl();
            TargetDatabase.exec(url, "create table users (id bigserial primary key, user_name varchar(255))",
                    "insert into users (user_name) select 'user-' || g from generate_series(1, 20000) g", "analyze users");
            databases.register("replicated", url, "postgres", null);

            pair.standby("select pg_wal_replay_pause()");
            TargetDatabase.exec(url, "update users set user_name = user_name || '' where id <= 1000");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> TargetDatabase
                    .count(url, "select coalesce(max(extract(epoch from replay_lag) * 1000), 0)::bigint from pg_stat_replication") > 1500);

            String rollout = unique("users");
            String ns = unique("th");
            stable(client, ns, rollout, 2, "img/" + rollout + ":1");
            rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
            String name = unique("throttle");
            given().contentType("application/json").body("""
                    {"name": "%s", "rollout": "%s", "database": "replicated",
                     "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                     "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                     "contract": {"version": "4", "image": "app:4"},
                     "backfill": {"batchSize": 500, "maxReplicationLag": "1s"}}
                    """.formatted(name, rollout)).post("/api/v1/pipelines").then().statusCode(201);
            given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> view(name).getBoolean("backfill.throttled"));
            JsonPath throttled = view(name);
            assertThat(throttled.getLong("backfill.rowsScanned")).isZero();
            assertThat(throttled.getLong("backfill.replicationLagMillis")).isGreaterThan(1000);
            assertThat(throttled.getString("backfill.state")).isEqualTo("Running");

            pair.standby("select pg_wal_replay_resume()");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "Completed".equals(view(name).getString("backfill.state")));
            JsonPath done = view(name);
            assertThat(done.getBoolean("backfill.throttled")).isFalse();
            assertThat(done.getLong("backfill.rowsDone")).isEqualTo(20_000);
            assertThat(done.getLong("backfill.mismatches")).isZero();
        }
    }

    JsonPath view(String name) {
        return given().get("/api/v1/pipelines/" + name).then().statusCode(200).extract().jsonPath();
    }
}
