package io.kubestead.approval;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Slack with a bot token (its channel read from a Kubernetes Secret): requests go out through chat.postMessage (its
 * ts is kept), and a decision taken in the console or the API updates that message through chat.update; Slack's
 * "ok": false is an error that is retried.
 */
@QuarkusTest
@TestProfile(SlackBotTest.BotProfile.class)
@WithKubernetesTestServer(crud = true)
class SlackBotTest extends EngineFixture {

    public static class BotProfile extends SlackProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("kubestead.slack.bot-token", "xoxb-test-token");
            // the channel comes from a Kubernetes Secret
            m.put("kubestead.slack.secret", "slack-app");
            return m;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BotMock.class));
        }
    }

    /** The Web API at /api on the same WireMock server. */
    public static class BotMock extends SlackMock {
        @Override
        public Map<String, String> start() {
            Map<String, String> m = new HashMap<>(super.start());
            m.put("kubestead.slack.api-url", "http://127.0.0.1:" + server.port() + "/api");
            server.stubFor(post(urlEqualTo("/api/chat.postMessage")).atPriority(5).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\": true, \"channel\": \"C0DEPLOYS\", \"ts\": \"1700000000.000100\"}")));
            server.stubFor(post(urlEqualTo("/api/chat.update")).atPriority(5).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody("{\"ok\": true}")));
            return m;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @org.junit.jupiter.api.BeforeEach
    void secret() {
        client.secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("slack-app").withNamespace("default").endMetadata()
                .addToData("channel", java.util.Base64.getEncoder().encodeToString("C0DEPLOYS".getBytes()))
                .build()).createOr(r -> r.update());
        // whatever was read before the Secret existed is forgotten
        io.kubestead.testing.MutableClock.INSTANCE.advance(Duration.ofMinutes(2));
    }

    @Test
    void theBotPostsAndAConsoleDecisionUpdatesItsMessage() throws Exception {
        String name = unique("bot");
        stable(client, "slack-bot", name, 4, "img/" + name + ":1");
        rollout(name, "  target: {namespace: slack-bot}\n  canarySteps:\n    - setWeight: 25\n    - approval: {}\n");
        long id = release(name, "2.0.0");
        awaitState(id, "Paused");
        await().atMost(Duration.ofSeconds(30)).until(() -> posts("/api/chat.postMessage", "(release " + id + ")") > 0);
        LoggedRequest posted = requests("/api/chat.postMessage", "(release " + id + ")").get(0);
        assertThat(posted.getHeader("Authorization")).isEqualTo("Bearer xoxb-test-token");
        assertThat(JSON.readTree(posted.getBody()).get("channel").asText()).isEqualTo("C0DEPLOYS");

        // the message's ts is kept before the decision, so that the decision can update it
        await().atMost(Duration.ofSeconds(30)).until(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> Approval.count("releaseId = ?1 and slackTs = '1700000000.000100'", id)) == 1);
        ApprovalTest.decide(tokenFor("ann-approver", "approver"), id, "approve", "from the console").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> posts("/api/chat.update", "(release " + id + ")") > 0);
        JsonNode update = JSON.readTree(requests("/api/chat.update", "(release " + id + ")").get(0).getBody());
        assertThat(update.get("ts").asText()).isEqualTo("1700000000.000100");
        assertThat(update.get("channel").asText()).isEqualTo("C0DEPLOYS");
        assertThat(update.toString()).contains("approved by token:ann-approver").doesNotContain("kubestead-approve");
    }

    @Test
    void slacksNotOkIsRetried() {
        String name = unique("botfail");
        // the first answer for this rollout is {"ok": false}; the second is fine
        SlackMock.server.stubFor(post(urlEqualTo("/api/chat.postMessage")).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(name)).inScenario(name)
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("failed")
                .willReturn(aResponse().withStatus(200).withBody("{\"ok\": false, \"error\": \"ratelimited\"}")));
        stable(client, "slack-bot", name, 4, "img/" + name + ":1");
        rollout(name, "  target: {namespace: slack-bot}\n  canarySteps:\n    - pause: {}\n");
        long id = release(name, "2.0.0");
        awaitState(id, "Paused");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            io.kubestead.testing.MutableClock.INSTANCE.advance(Duration.ofSeconds(5));
            return posts("/api/chat.postMessage", name) >= 2;
        });
        assertThat(SlackMock.server.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withHeader("Authorization", equalTo("Bearer xoxb-test-token")))).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> OutboxMessage.count("state = 'Delivered' and kind = 'paused' and cast(payload as string) like ?1",
                        "%" + name + "%")) == 1);
        io.kubestead.testing.MutableClock.INSTANCE.reset();
    }

    static List<LoggedRequest> requests(String path, String containing) {
        return SlackMock.server.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .filter(r -> r.getBodyAsString().contains(containing)).toList();
    }

    static long posts(String path, String containing) {
        return requests(path, containing).size();
    }
}
