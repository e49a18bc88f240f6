package io.kubestead.approval;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Slack, played by WireMock (Slack cannot run here): the Incoming Webhook, response URLs and a generic webhook. */
public class SlackMock implements QuarkusTestResourceLifecycleManager {

    public static final String SIGNING_SECRET = "test-signing-secret-9f3a";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-77c1";
    public static final String WEBHOOK_PATH = "/services/T000/B000/XXXX";
    public static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
        String base = "http://127.0.0.1:" + server.port();
        return Map.of("kubestead.slack.webhook-url", base + WEBHOOK_PATH,
                "kubestead.slack.signing-secret", SIGNING_SECRET,
                "kubestead.slack.response-url-prefix", base + "/actions/",
                "kubestead.notifications.allowed-hosts", "127.0.0.1",
                "kubestead.notifications.webhooks.ops.url", base + "/hooks/ops",
                "kubestead.notifications.webhooks.ops.secret", WEBHOOK_SECRET,
                "kubestead.security.public-url", "https://kubestead.example.com");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
