package io.kubestead.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** A pipeline phase whose check is blocked does not start, unless an admin overrides it; contract waits for old pods. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class PipelineCheckTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    TargetDatabases databases;

    JsonPath view(String name) {
        return given().get("/api/v1/pipelines/" + name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aBlockedPhaseStartsOnlyWithAnAdminsAuditedOverrideAndContractWaitsForOldPods() throws Exception {
        String db = "chk_" + unique("p").substring(2).replace("-", "");
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        TargetDatabase.exec(url, "create table orders (id bigserial primary key, amount integer not null, note text)",
                "insert into orders (amount, note) select g, repeat('x', 60) from generate_series(1, 50000) g", "analyze orders");
        String ns = unique("chk");
        String rollout = unique("orders");
        stable(client, ns, rollout, 2, "img/orders:1.0");
        rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
        String name = unique("widen");
        // a type change in place: PostgreSQL rewrites the 5 MB table under ACCESS EXCLUSIVE (seconds at the tests' 1 MB/s)
        given().contentType("application/json").body("""
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"custom": {"table": "orders", "expandSql": "alter table orders alter column amount type bigint",
                   "backfill": {"set": "note = 'n'", "where": "note is distinct from 'n'"},
                   "contractSql": "comment on table orders is 'contracted'"}},
                 "expand": {"version": "2.0.0", "image": "img/orders:2.0.0"},
                 "migrate": {"version": "2.1.0", "image": "img/orders:2.1.0"},
                 "contract": {"version": "2.2.0", "image": "img/orders:2.2.0"},
                 "backfill": {"batchSize": 5000},
                 "confidenceWindow": "1s"}
                """.formatted(name, rollout, db)).post("/api/v1/pipelines").then().statusCode(201);
        JsonPath created = view(name);
        assertThat(created.getString("phases[0].check.verdict")).isEqualTo("blocked");
        assertThat(created.getString("phases[0].check.summary")).contains("rewrites orders");
        assertThat(created.getString("phases[2].check.verdict")).isEqualTo("safe");

        // refused with the findings, at exact paths
        JsonPath refused = given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(409)
                .contentType("application/problem+json").extract().jsonPath();
        List<Map<String, String>> errors = refused.getList("errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("path")).matches("check\\.findings\\[\\d+\\]");
            assertThat(e.get("message")).startsWith("long-lock-on-large-table: ").contains("rewrites orders");
        });
        assertThat(errors).anySatisfy(e -> assertThat(e.get("path")).isEqualTo("check"));
        // an admin of the namespace may start phases but not override a check
        String nsAdmin = tokenFor(unique("nsadm"), "admin@" + ns);
        as(nsAdmin).contentType("application/json").body(Map.of("override", Map.of("reason", "maintenance window")))
                .post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(403);
        given().contentType("application/json").body(Map.of("override", Map.of()))
                .post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("override.reason"));
        assertThat(view(name).getString("phases[0].release")).isNull();
        given().contentType("application/json").body(Map.of("override", Map.of("reason", "maintenance window 02:00-03:00")))
                .post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);
        JsonPath started = view(name);
        long checkId = started.getLong("phases[0].check.id");
        JsonPath check = given().get("/api/v1/checks/" + checkId).then().statusCode(200).extract().jsonPath();
        assertThat(check.getString("override.reason")).isEqualTo("maintenance window 02:00-03:00");
        assertThat(check.getString("override.by")).startsWith("token:test-admin-");
        JsonPath audit = given().get("/api/v1/audit?action=CheckOverridden").then().statusCode(200).extract().jsonPath();
        assertThat(audit.getList("items.subject", String.class)).contains("pipeline " + name + " expand");
        assertThat(given().get("/api/v1/checks?pipeline=" + name).then().statusCode(200).extract().jsonPath()
                .getList("items.phase", String.class)).contains("expand", "contract");

        await().atMost(Duration.ofSeconds(90)).until(() -> "Completed".equals(view(name).getString("backfill.state"))
                && "Promoted".equals(view(name).getString("phases[0].release.state")));
        given().post("/api/v1/pipelines/" + name + "/phases/migrate/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "Promoted".equals(view(name).getString("phases[1].release.state")));

        // a pod of the old version still serves: contract waits, naming it
        Pod old = new PodBuilder().withNewMetadata().withName("orders-old-1").withNamespace(ns).addToLabels("app", rollout)
                .endMetadata().withNewSpec().addNewContainer().withName(rollout).withImage("img/orders:1.0").endContainer()
                .endSpec().withNewStatus().withPhase("Running").endStatus().build();
        client.pods().inNamespace(ns).resource(old).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath waiting = given().post("/api/v1/pipelines/" + name + "/phases/contract/start").then().statusCode(409)
                    .extract().jsonPath();
            assertThat(waiting.getList("errors", Map.class)).anySatisfy(e -> {
                assertThat(e.get("path")).isEqualTo("gates.oldVersionGone");
                assertThat((String) e.get("message")).contains("pod/orders-old-1 (img/orders:1.0)");
            });
        });
        client.pods().inNamespace(ns).withName("orders-old-1").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> given().post("/api/v1/pipelines/" + name + "/phases/contract/start")
                .statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> "Completed".equals(view(name).getString("state")));
    }
}
