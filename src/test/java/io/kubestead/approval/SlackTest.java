package io.kubestead.approval;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.testing.MutableClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Slack, played by WireMock: the request is posted with Approve/Reject buttons; a signed click decides as the mapped
 * user; forged, stale, replayed and unknown clicks change nothing; the outbox survives a Slack outage and a restart
 * without sending anything twice; generic webhooks are signed.
 */
@QuarkusTest
@TestProfile(SlackProfile.class)
@WithKubernetesTestServer(crud = true)
class SlackTest extends EngineFixture {

    static final String NS = "slack";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @Inject
    OutboxDelivery delivery;

    @BeforeEach
    void clock() {
        MutableClock.INSTANCE.reset();
    }

    String rolloutWithApproval(String approval, String notifications) {
        String name = unique("sl");
        stable(client, NS, name, 4, "img/" + name + ":1");
        rollout(name, "  target: {namespace: " + NS + "}\n  canarySteps:\n    - setWeight: 25\n"
                + (approval == null ? "" : "    - approval: " + approval + "\n") + "    - setWeight: 50\n"
                + (notifications == null ? "" : "  notifications: " + notifications + "\n"));
        return name;
    }

    /** The approval id on the Approve button of the message posted for this release (waits for it). */
    static long postedApproval(long release) throws Exception {
        LoggedRequest[] found = new LoggedRequest[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (LoggedRequest r : SlackMock.server.findAll(postRequestedFor(urlEqualTo(SlackMock.WEBHOOK_PATH)))) {
                if (r.getBodyAsString().contains("Approval needed") && r.getBodyAsString().contains("(release " + release + ")")) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        });
        JsonNode msg = JSON.readTree(found[0].getBodyAsString());
        for (JsonNode block : msg.get("blocks")) {
            if ("actions".equals(block.path("type").asText())) {
                assertThat(block.get("elements").get(0).get("action_id").asText()).isEqualTo("kubestead-approve");
                assertThat(block.get("elements").get(1).get("action_id").asText()).isEqualTo("kubestead-reject");
                assertThat(block.get("elements").get(1).get("style").asText()).isEqualTo("danger");
                return block.get("elements").get(0).get("value").asLong();
            }
        }
        throw new AssertionError("no buttons in " + msg);
    }

    static long now() {
        return MutableClock.INSTANCE.instant().getEpochSecond();
    }

    static String responseUrl(String tag) {
        return "http://127.0.0.1:" + SlackMock.server.port() + "/actions/T000/" + tag;
    }

    static List<LoggedRequest> posted(String path) {
        return SlackMock.server.findAll(postRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aSignedClickApprovesAndTheMessageShowsWhoDecided() throws Exception {
        SlackClicks.person("sam", "U0SAM", "approver");
        long id = release(rolloutWithApproval("{approvers: [role:approver]}", null), "2.0.0");
        awaitState(id, "Paused");
        long approval = postedApproval(id);
        String url = responseUrl("approve-" + id);

        SlackClicks.click(SlackClicks.payload("U0SAM", approval, "kubestead-approve", url), now(), SlackMock.SIGNING_SECRET).then().statusCode(200);
        awaitState(id, "Promoted");
        Map<String, Object> decided = events(id).stream().filter(e -> "ApprovalDecided".equals(e.get("type"))).findFirst().orElseThrow();
        assertThat(decided.get("actor")).isEqualTo("user:sam");
        assertThat(((Map<?, ?>) decided.get("details")).get("via")).isEqualTo("slack");

        // the clicked message is replaced: who decided, no buttons any more
        await().atMost(Duration.ofSeconds(30)).until(() -> !posted("/actions/T000/approve-" + id).isEmpty());
        JsonNode update = JSON.readTree(posted("/actions/T000/approve-" + id).get(0).getBodyAsString());
        assertThat(update.get("replace_original").asBoolean()).isTrue();
        assertThat(update.toString()).contains("approved by user:sam").doesNotContain("kubestead-approve");
    }

    @Test
    void forgedStaleReplayedAndUnknownClicksChangeNothing() throws Exception {
        SlackClicks.person("sue", "U0SUE", "approver");
        SlackClicks.person("val", "U0VAL", "viewer");
        long id = release(rolloutWithApproval("{approvers: [role:approver], minApprovals: 2}", null), "2.0.0");
        awaitState(id, "Paused");
        long approval = postedApproval(id);
        String body = SlackClicks.payload("U0SUE", approval, "kubestead-approve", responseUrl("sue-" + id));

        SlackClicks.click(body, now(), "not-the-secret").then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("signature does not match"));
        SlackClicks.click(body, now() - 360, SlackMock.SIGNING_SECRET).then().statusCode(401).body("detail", containsString("5 minutes"));
        // a body changed after signing
        SlackClicks.signedAs(body.replace("U0SUE", "U0VAL"), body, now(), SlackMock.SIGNING_SECRET).then().statusCode(401);
        given().get("/api/v1/approvals/" + approval).then().statusCode(200).body("decisions.size()", is(0))
                .body("state", is("Pending"));
        // signed but not a click of ours: a malformed body is a 400, another kind of interaction is acknowledged
        SlackClicks.click("payload=%zz", now(), SlackMock.SIGNING_SECRET).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].path", is("payload"));
        SlackClicks.click("payload=" + java.net.URLEncoder.encode("{\"type\":\"view_submission\"}", StandardCharsets.UTF_8),
                now(), SlackMock.SIGNING_SECRET).then().statusCode(200);

        // the same click delivered twice records one decision, and tells the clicker once
        SlackClicks.click(body, now(), SlackMock.SIGNING_SECRET).then().statusCode(200);
        SlackClicks.click(body, now(), SlackMock.SIGNING_SECRET).then().statusCode(200);
        given().get("/api/v1/approvals/" + approval).then().statusCode(200).body("decisions.size()", is(1))
                .body("decisions[0].actor", is("user:sue")).body("decisions[0].via", is("slack"));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted("/actions/T000/sue-" + id).size() == 2);
        assertThat(posted("/actions/T000/sue-" + id)).anySatisfy(r -> assertThat(r.getBodyAsString())
                .contains("\"response_type\":\"ephemeral\"").contains("already decided"));

        // a Slack user Kubestead does not know, and one who may not approve: an ephemeral refusal each
        SlackClicks.click(SlackClicks.payload("U0NOBODY", approval, "kubestead-approve", responseUrl("nobody-" + id)), now(), SlackMock.SIGNING_SECRET)
                .then().statusCode(200);
        SlackClicks.click(SlackClicks.payload("U0VAL", approval, "kubestead-reject", responseUrl("val-" + id)), now(), SlackMock.SIGNING_SECRET)
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !posted("/actions/T000/nobody-" + id).isEmpty()
                && !posted("/actions/T000/val-" + id).isEmpty());
        assertThat(posted("/actions/T000/nobody-" + id).get(0).getBodyAsString()).contains("ephemeral")
                .contains("does not know your Slack account");
        assertThat(posted("/actions/T000/val-" + id).get(0).getBodyAsString()).contains("ephemeral").contains("may not approve");
        given().get("/api/v1/approvals/" + approval).then().statusCode(200).body("decisions.size()", is(1))
                .body("state", is("Pending"));
        assertThat(state(id)).isEqualTo("Paused");
    }

    @Test
    void aSlackOutageDelaysANotificationAndSendsItOnce() {
        String name = unique("sl");
        stable(client, NS, name, 4, "img/" + name + ":1");
        rollout(name, "  target: {namespace: " + NS + "}\n  canarySteps:\n    - setWeight: 25\n    - pause: {}\n"
                + "  notifications: [{events: [aborted], channel: slack}]\n");
        // Slack answers 500 five times, then accepts
        String state = Scenario.STARTED;
        for (int i = 1; i <= 5; i++) {
            SlackMock.server.stubFor(post(urlPathEqualTo(SlackMock.WEBHOOK_PATH)).atPriority(1)
                    .withRequestBody(containing(name)).inScenario(name).whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(500)).willSetStateTo("failed-" + i));
            state = "failed-" + i;
        }
        SlackMock.server.stubFor(post(urlPathEqualTo(SlackMock.WEBHOOK_PATH)).atPriority(1).withRequestBody(containing(name))
                .inScenario(name).whenScenarioStateIs(state).willReturn(aResponse().withStatus(200).withBody("ok")));
        long id = release(name, "2.0.0");
        awaitState(id, "Paused");
        act(id, "abort", "ops-slack", "bad canary");
        awaitState(id, "Aborted");
        // each retry waits longer (1 s, 2 s, 4 s …): the clock is moved on instead of waiting
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            MutableClock.INSTANCE.advance(Duration.ofSeconds(30));
            return delivered(name) > 0;
        });
        assertThat(requestsFor(name)).isEqualTo(6);
        assertThat(delivered(name)).isEqualTo(1);
        // a restart of delivery sends nothing again
        delivery.stop();
        delivery.start();
        MutableClock.INSTANCE.advance(Duration.ofMinutes(10));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> requestsFor(name) == 6);
        int attempts = QuarkusTransaction.requiringNew().call(() -> OutboxMessage.<OutboxMessage>find(
                "kind = 'aborted' and cast(payload as string) like ?1", "%" + name + "%").firstResult().attempts);
        assertThat(attempts).isEqualTo(6);
    }

    static int requestsFor(String name) {
        return (int) posted(SlackMock.WEBHOOK_PATH).stream().filter(r -> r.getBodyAsString().contains(name)).count();
    }

    static long delivered(String name) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxMessage.count("state = 'Delivered' and kind = 'aborted' "
                + "and cast(payload as string) like ?1", "%" + name + "%"));
    }

    @Test
    void webhooksAreSignedAndKeyed() throws Exception {
        String name = rolloutWithApproval(null, "[{events: [promoted], channel: \"webhook:ops\"}]");
        long id = release(name, "2.0.0");
        awaitState(id, "Promoted");
        await().atMost(Duration.ofSeconds(30)).until(() -> posted("/hooks/ops").stream()
                .anyMatch(r -> r.getBodyAsString().contains(name)));
        LoggedRequest r = posted("/hooks/ops").stream().filter(x -> x.getBodyAsString().contains(name)).findFirst().orElseThrow();
        String ts = r.getHeader("X-Kubestead-Timestamp");
        String expected = "sha256=" + HexFormat.of().formatHex(SlackSignature.hmac(SlackMock.WEBHOOK_SECRET,
                (ts + ".").getBytes(StandardCharsets.UTF_8), r.getBody()));
        assertThat(r.getHeader("X-Kubestead-Signature")).isEqualTo(expected);
        assertThat(r.getHeader("X-Kubestead-Event")).isEqualTo("promoted");
        assertThat(r.getHeader("X-Kubestead-Delivery")).startsWith("release-event:").endsWith("/webhook:ops");
        JsonNode body = JSON.readTree(r.getBody());
        assertThat(body.get("kind").asText()).isEqualTo("promoted");
        assertThat(body.get("release").get("id").asLong()).isEqualTo(id);
        assertThat(body.get("url").asText()).isEqualTo("https://kubestead.example.com/releases/" + id);
        // nothing but what it subscribed to went to the webhook, and nothing of it to Slack
        assertThat(posted("/hooks/ops").stream().filter(x -> x.getBodyAsString().contains(name)).count()).isEqualTo(1);
        assertThat(requestsFor(name)).isZero();
    }
}
