package io.kubestead.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.kubestead.testing.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** Approval gates before pipeline phases: asked for in turn, opened by approvers, blocked by a rejection, timed out. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class PipelineApprovalTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    TargetDatabases databases;

    @AfterEach
    void resetClock() {
        MutableClock.INSTANCE.reset();
    }

    String create(String approvals) throws Exception {
        String db = "target_" + unique("g").substring(2).replace("-", "");
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        TargetDatabase.exec(url, "create table users (id bigserial primary key, user_name varchar(255))",
                "insert into users (user_name) select 'user-' || g from generate_series(1, 500) g", "analyze users");
        String rollout = unique("gated");
        String ns = unique("pg");
        stable(client, ns, rollout, 2, "img/" + rollout + ":1");
        rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n"
                + "  notifications: [{events: [backfill-completed, gate-blocked, approval-requested], channel: \"webhook:audit\"}]\n");
        String name = unique("gate");
        given().contentType("application/json").body("""
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2.0.0", "image": "img/app:2.0.0"},
                 "migrate": {"version": "2.1.0", "image": "img/app:2.1.0"},
                 "contract": {"version": "2.2.0", "image": "img/app:2.2.0"},
                 "approvals": %s}
                """.formatted(name, rollout, db, approvals)).post("/api/v1/pipelines").then().statusCode(201);
        return name;
    }

    static JsonPath refusedStart(String name, String phase) {
        return given().post("/api/v1/pipelines/" + name + "/phases/" + phase + "/start").then().statusCode(409)
                .contentType("application/problem+json").extract().jsonPath();
    }

    static io.restassured.response.Response decide(String name, String decision, String comment) {
        return as(tokenFor("gina-approver", "approver")).contentType("application/json")
                .body("{\"decision\": \"" + decision + "\", \"comment\": \"" + comment + "\"}")
                .post("/api/v1/pipelines/" + name + "/approvals");
    }

    @Test
    void phasesWaitForTheirApprovalsAndARejectionBlocks() throws Exception {
        String name = create("{\"expand\": {\"approvers\": [\"role:approver\"]}, \"migrate\": {\"approvers\": [\"role:approver\"]}}");
        assertThat(refusedStart(name, "expand").getList("errors.path", String.class)).containsExactly("gates.approved");
        // migrate's approval is not asked for yet: nothing to decide on it
        as(tokenFor("gina-approver", "approver")).contentType("application/json")
                .body("{\"decision\": \"approve\", \"phase\": \"migrate\"}").post("/api/v1/pipelines/" + name + "/approvals")
                .then().statusCode(409);

        decide(name, "approve", "schema reviewed").then().statusCode(200).body("state", is("Approved"))
                .body("phase", is("expand")).body("decisions[0].comment", is("schema reviewed"));
        given().post("/api/v1/pipelines/" + name + "/phases/expand/start").then().statusCode(200);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonPath v = given().get("/api/v1/pipelines/" + name).then().extract().jsonPath();
            return "Completed".equals(v.getString("backfill.state")) && "Promoted".equals(v.getString("phases[0].release.state"));
        });

        // expand promoted: migrate's approval is asked for now, and its gate waits for it
        JsonPath waiting = refusedStart(name, "migrate");
        assertThat(waiting.getList("errors.path", String.class)).containsExactly("gates.approved");
        assertThat(waiting.getList("errors.message", String.class).get(0)).contains("waiting for 1 approval");
        decide(name, "reject", "not during the sale").then().statusCode(200).body("state", is("Rejected"));
        JsonPath blocked = refusedStart(name, "migrate");
        assertThat(blocked.getList("errors.message", String.class).get(0)).contains("rejected by token:gina-approver")
                .contains("not during the sale");
        decide(name, "approve", "changed my mind").then().statusCode(409);

        // each was written to the outbox with the change it reports, once (webhook:audit is not configured here, so
        // they wait there, retried)
        assertThat(outbox(name)).containsExactlyInAnyOrder("approval-requested", "backfill-completed", "approval-requested",
                "gate-blocked");
    }

    static java.util.List<String> outbox(String pipeline) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> io.kubestead.approval.OutboxMessage
                .<io.kubestead.approval.OutboxMessage>list("channel = 'webhook:audit' and cast(payload as string) like ?1",
                        "%\"pipeline\": \"" + pipeline + "\"%").stream().map(m -> m.kind).toList());
    }

    @Test
    void anUndecidedGateWithOnTimeoutAbortAbortsThePipeline() throws Exception {
        String name = create("{\"expand\": {\"timeout\": \"1m\", \"onTimeout\": \"abort\"}}");
        MutableClock.INSTANCE.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(30)).until(() -> "Aborted".equals(given().get("/api/v1/pipelines/" + name)
                .then().extract().jsonPath().getString("state")));
        decide(name, "approve", "too late").then().statusCode(409).body("detail", containsString("no approval waiting"));
    }
}
