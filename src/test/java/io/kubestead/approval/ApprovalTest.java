package io.kubestead.approval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.testing.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * Approval steps through the API: approvers move a release on or abort it, nobody else can (not even an operator's
 * resume), four eyes, one decision per person, expiry with onTimeout abort and pause, the pending list.
 */
@QuarkusTest
@TestProfile(SlackProfile.class)
@WithKubernetesTestServer(crud = true)
class ApprovalTest extends EngineFixture {

    static final String NS = "approvals";

    @Inject
    KubernetesClient client;

    @BeforeEach
    void clock() {
        MutableClock.INSTANCE.reset();
    }

    /** A rollout whose second step is an approval with this body; a release of it, waiting at the approval. */
    long waitingRelease(String approval, String starterToken) {
        String name = unique("ap");
        stable(client, NS, name, 4, "img/" + name + ":1");
        rollout(name, "  target: {namespace: " + NS + "}\n  canarySteps:\n    - setWeight: 25\n    - approval: " + approval
                + "\n    - setWeight: 50\n");
        long id = starterToken == null ? release(name, "2.0.0")
                : as(starterToken).contentType("application/json").body("{\"version\": \"2.0.0\", \"image\": \"registry.example.com/" + name + ":2\"}")
                        .post("/api/v1/rollouts/" + name + "/releases").then().statusCode(201).extract().jsonPath().getLong("id");
        awaitState(id, "Paused");
        assertThat(get(id).getString("pauseKind")).isEqualTo("approval");
        return id;
    }

    static io.restassured.response.Response decide(String token, long release, String decision, String comment) {
        return as(token).contentType("application/json")
                .body("{\"decision\": \"" + decision + "\"" + (comment == null ? "" : ", \"comment\": \"" + comment + "\"") + "}")
                .post("/api/v1/releases/" + release + "/approvals");
    }

    @Test
    void anApproverMovesTheReleaseOnAndNobodyElseCan() {
        long id = waitingRelease("{approvers: [role:approver], timeout: 1h}", null);
        String ann = tokenFor("ann-approver", "approver");

        // an operator may not resume or promote past it; a viewer may not approve
        as(tokenFor("otto-operator", "operator")).contentType("application/json").body("")
                .post("/api/v1/releases/" + id + "/resume").then().statusCode(409).body("detail", containsString("approval"));
        act409(id, "promote");
        decide(tokenFor("vic-viewer", "viewer"), id, "approve", null).then().statusCode(403);
        // an operator (no approver role) may not approve either, even named nowhere
        decide(tokenFor("otto-operator", "operator"), id, "approve", null).then().statusCode(403);

        // it waits on ann
        JsonPath pending = as(ann).get("/api/v1/approvals?state=pending").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> mine = pending.getList("items");
        assertThat(mine).anySatisfy(a -> {
            assertThat(((Number) a.get("release")).longValue()).isEqualTo(id);
            assertThat(a.get("canDecide")).isEqualTo(true);
            assertThat(a.get("state")).isEqualTo("Pending");
        });
        // but not on a viewer
        List<Map<String, Object>> viewers = as(tokenFor("vic-viewer", "viewer")).get("/api/v1/approvals").then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertThat(viewers).noneSatisfy(a -> assertThat(((Number) a.get("release")).longValue()).isEqualTo(id));

        decide(ann, id, "approve", "looks good").then().statusCode(200).body("state", is("Approved"))
                .body("decisions[0].actor", is("token:ann-approver (ann-approver)")).body("decisions[0].via", is("api"))
                .body("decisions[0].comment", is("looks good"));
        awaitState(id, "Promoted");
        decide(ann, id, "approve", null).then().statusCode(409).body("detail", containsString("does not wait"));

        List<Map<String, Object>> events = events(id);
        assertThat(events).extracting(e -> e.get("type")).contains("ApprovalRequested", "ApprovalDecided", "Resumed");
        Map<String, Object> decided = events.stream().filter(e -> "ApprovalDecided".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat(decided.get("actor")).isEqualTo("token:ann-approver (ann-approver)");
        assertThat(decided.get("reason")).isEqualTo("looks good");
        assertThat(((Map<?, ?>) decided.get("details")).get("via")).isEqualTo("api");
    }

    private void act409(long id, String action) {
        as(tokenFor("otto-operator", "operator")).contentType("application/json").body("")
                .post("/api/v1/releases/" + id + "/" + action).then().statusCode(409);
    }

    @Test
    void aRejectionAbortsWithTheReason() {
        long id = waitingRelease("{approvers: [rob-approver]}", null);
        // an approver by role who is not named may not decide
        decide(tokenFor("ann-approver", "approver"), id, "reject", null).then().statusCode(403)
                .body("detail", containsString("not one of the approvers"));
        decide(tokenFor("rob-approver", "approver"), id, "reject", "error budget is spent").then().statusCode(200)
                .body("state", is("Rejected"));
        awaitState(id, "Aborted");
        Map<String, Object> aborted = events(id).stream().filter(e -> "Aborted".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat((String) aborted.get("reason")).contains("rejected by token:rob-approver (rob-approver): error budget is spent");
        String name = get(id).getString("rollout");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.apps().deployments().inNamespace(NS)
                .withName(name + "-canary").get().getSpec().getReplicas() == 0);
    }

    @Test
    void theRequesterCannotApproveAlone() {
        String rita = tokenFor("rita-both", "operator", "approver");
        long id = waitingRelease("{approvers: [role:approver]}", rita);
        decide(rita, id, "approve", "mine").then().statusCode(200).body("state", is("Pending"));
        assertThat(state(id)).isEqualTo("Paused");
        Map<String, Object> decided = events(id).stream().filter(e -> "ApprovalDecided".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat((String) ((Map<?, ?>) decided.get("details")).get("waitingFor")).contains("four eyes");
        decide(tokenFor("ann-approver", "approver"), id, "approve", null).then().statusCode(200).body("state", is("Approved"));
        awaitState(id, "Promoted");
    }

    @Test
    void onePersonDecidesOnceAndGroupsCount() {
        long id = waitingRelease("{approvers: [role:approver, group:release-captains], minApprovals: 2}", null);
        String ann = tokenFor("ann-approver", "approver");
        decide(ann, id, "approve", null).then().statusCode(200).body("state", is("Pending"));
        decide(ann, id, "approve", null).then().statusCode(409).body("detail", containsString("already decided"));
        decide(ann, id, "reject", null).then().statusCode(409);
        // a group member (with the approver permission) is the second
        decide(tokenFor("cap-carl", "approver"), id, "approve", null).then().statusCode(200).body("state", is("Approved"));
        awaitState(id, "Promoted");
    }

    @Test
    void anExpiredApprovalAbortsWhenItSaysSo() {
        long id = waitingRelease("{timeout: 1m, onTimeout: abort}", null);
        MutableClock.INSTANCE.advance(Duration.ofSeconds(61));
        awaitState(id, "Aborted");
        assertThat(eventTypes(id)).contains("ApprovalExpired");
        decide(tokenFor("ann-approver", "approver"), id, "approve", null).then().statusCode(409);
        JsonPath approvals = given().get("/api/v1/releases/" + id + "/approvals").then().statusCode(200).extract().jsonPath();
        assertThat(approvals.getString("[0].state")).isEqualTo("Expired");
    }

    @Test
    void anExpiredApprovalPausesAndResumeAsksAgain() {
        long id = waitingRelease("{timeout: 1m, onTimeout: pause}", null);
        String ann = tokenFor("ann-approver", "approver");
        MutableClock.INSTANCE.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(30)).until(() -> "approval-expired".equals(get(id).getString("pauseKind")));
        assertThat(state(id)).isEqualTo("Paused");
        decide(ann, id, "approve", null).then().statusCode(409);
        // an operator's resume asks again, with a new timeout
        as(tokenFor("otto-operator", "operator")).contentType("application/json").body("")
                .post("/api/v1/releases/" + id + "/resume").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "approval".equals(get(id).getString("pauseKind")));
        assertThat(eventTypes(id).stream().filter("ApprovalRequested"::equals).count()).isEqualTo(2);
        decide(ann, id, "approve", null).then().statusCode(200).body("state", is("Approved"));
        awaitState(id, "Promoted");
    }

    @Test
    void anAbortCancelsTheOpenApproval() {
        long id = waitingRelease("{}", null);
        act(id, "abort", "ops-admin", "not today");
        awaitState(id, "Aborted");
        given().get("/api/v1/releases/" + id + "/approvals").then().statusCode(200).body("[0].state", is("Cancelled"));
        decide(tokenFor("ann-approver", "approver"), id, "approve", null).then().statusCode(409);
    }

    @Test
    void badDecisionsAreProblems() {
        long id = waitingRelease("{}", null);
        String ann = tokenFor("ann-approver", "approver");
        as(ann).contentType("application/json").body("{\"decision\": \"maybe\"}").post("/api/v1/releases/" + id + "/approvals")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].path", is("decision"));
        as(ann).contentType("application/json").body("{}").post("/api/v1/releases/" + id + "/approvals")
                .then().statusCode(400).body("errors[0].path", is("decision"));
        as(ann).contentType("application/json").body("{\"decision\": \"approve\", \"extra\": 1}")
                .post("/api/v1/releases/" + id + "/approvals").then().statusCode(400).body("errors[0].path", is("extra"));
        given().get("/api/v1/approvals?state=sideways").then().statusCode(400).body("errors[0].path", is("state"));
        // a bad policy in a spec is refused at its path
        given().contentType(YAML).body("rollout:\n  name: bad-ap\n  canarySteps:\n    - approval: {minApprovals: 0, timeout: 40d, onTimeout: wait, approvers: [role:boss]}\n")
                .put("/api/v1/rollouts/bad-ap").then().statusCode(400)
                .body("errors.path", org.hamcrest.Matchers.hasItems("canarySteps[0].approval.minApprovals",
                        "canarySteps[0].approval.timeout", "canarySteps[0].approval.onTimeout", "canarySteps[0].approval.approvers[0]"));
    }
}
