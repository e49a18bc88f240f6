package io.kubestead.approval;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.kubestead.analysis.EgressPolicy;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.RemoteCall;

/**
 * Sends one outbox message: to Slack (chat.postMessage with the bot token, else the Incoming Webhook), to an
 * interaction's response_url, as a chat.update of the request the bot posted, or to a generic webhook (JSON, signed
 * with HMAC-SHA256). Every URL passes the egress policy; errors name what failed, never a secret or a body.
 */
@ApplicationScoped
@RemoteCall
public class Channels {

    static final String SLACK = "slack";
    static final String SLACK_RESPONSE = "slack-response";
    static final String SLACK_UPDATE = "slack-update";
    static final String WEBHOOK = "webhook:";

    /** How a delivery went: sent (with what Slack said, e.g. the message's ts), or an error and when to retry. */
    public record Result(boolean sent, String error, Duration retryAfter, Map<String, String> data) {
        static Result ok(Map<String, String> data) {
            return new Result(true, null, null, data);
        }

        static Result failed(String error, Duration retryAfter) {
            return new Result(false, error, retryAfter, Map.of());
        }
    }

    private static final int MAX_BODY = 64 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Inject
    KubesteadConfig config;

    @Inject
    SlackSettings slack;

    @Inject
    EgressPolicy egress;

    @Inject
    Clock clock;

    @SuppressWarnings("unchecked")
    public Result send(OutboxMessage m) {
        try {
            if (SLACK.equals(m.channel)) {
                return slackPost(SlackMessages.render(m.payload));
            }
            if (SLACK_RESPONSE.equals(m.channel)) {
                String url = (String) m.payload.get("url");
                if (url == null || !url.startsWith(config.slack().responseUrlPrefix())) {
                    return Result.failed("the response_url is not under kubestead.slack.response-url-prefix", null);
                }
                return post(URI.create(url), json((Map<String, Object>) m.payload.get("body")), Map.of(), false);
            }
            if (SLACK_UPDATE.equals(m.channel)) {
                SlackSettings.Resolved s = slack.resolve();
                if (s.botToken().isEmpty()) {
                    return Result.failed("chat.update needs kubestead.slack.bot-token", null);
                }
                Map<String, Object> msg = new LinkedHashMap<>(SlackMessages.render(m.payload));
                msg.put("channel", m.payload.get("slackChannel"));
                msg.put("ts", m.payload.get("slackTs"));
                return post(URI.create(config.slack().apiUrl() + "/chat.update"), json(msg),
                        Map.of("Authorization", "Bearer " + s.botToken().get()), true);
            }
            if (m.channel.startsWith(WEBHOOK)) {
                return webhook(m);
            }
            return Result.failed("unknown channel " + m.channel, null);
        } catch (IllegalArgumentException e) {
            return Result.failed(e.getMessage(), null);
        }
    }

    private Result slackPost(Map<String, Object> msg) {
        SlackSettings.Resolved s = slack.resolve();
        if (s.botToken().isPresent() && s.channel().isPresent()) {
            Map<String, Object> body = new LinkedHashMap<>(msg);
            body.put("channel", s.channel().get());
            return post(URI.create(config.slack().apiUrl() + "/chat.postMessage"), json(body),
                    Map.of("Authorization", "Bearer " + s.botToken().get()), true);
        }
        if (s.webhookUrl().isPresent()) {
            return post(URI.create(s.webhookUrl().get()), json(msg), Map.of(), false);
        }
        return Result.failed("Slack is not configured (kubestead.slack.webhook-url, or bot-token and channel)", null);
    }

    private Result webhook(OutboxMessage m) {
        String name = m.channel.substring(WEBHOOK.length());
        KubesteadConfig.Notifications.Webhook hook = config.notifications().webhooks().get(name);
        if (hook == null) {
            return Result.failed("no webhook named " + name + " is configured (kubestead.notifications.webhooks." + name + ".url)", null);
        }
        byte[] body = json(m.payload);
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Kubestead-Delivery", m.idempotencyKey);
        headers.put("X-Kubestead-Event", m.kind);
        headers.put("X-Kubestead-Timestamp", timestamp);
        hook.secret().ifPresent(secret -> headers.put("X-Kubestead-Signature", "sha256=" + HexFormat.of().formatHex(
                SlackSignature.hmac(secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body))));
        return post(URI.create(hook.url()), body, headers, false);
    }

    private Result post(URI uri, byte[] body, Map<String, String> headers, boolean slackApi) {
        java.net.InetAddress address = egress.checkNotification(uri);
        HttpRequest.Builder b = EgressPolicy.requestTo(uri, address).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] answer;
            try (InputStream in = response.body()) {
                answer = in.readNBytes(MAX_BODY);
            }
            int status = response.statusCode();
            if (status == 429 || status / 100 == 5) {
                Duration retry = response.headers().firstValue("Retry-After").map(Channels::seconds).orElse(null);
                return Result.failed(uri.getHost() + " answered HTTP " + status, retry);
            }
            if (status / 100 != 2) {
                return Result.failed(uri.getHost() + " answered HTTP " + status, null);
            }
            if (!slackApi) {
                return Result.ok(Map.of());
            }
            JsonNode json = Notifications.JSON.readTree(answer);
            if (!json.path("ok").asBoolean(false)) {
                return Result.failed("Slack answered " + json.path("error").asText("not ok").replaceAll("[^a-z_]", ""), null);
            }
            Map<String, String> data = new LinkedHashMap<>();
            if (json.hasNonNull("ts")) {
                data.put("ts", json.get("ts").asText());
            }
            if (json.hasNonNull("channel")) {
                data.put("channel", json.get("channel").asText());
            }
            return Result.ok(data);
        } catch (java.net.http.HttpTimeoutException e) {
            return Result.failed(uri.getHost() + " did not answer within 10 s", null);
        } catch (IOException e) {
            return Result.failed("could not connect to " + uri.getHost(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted", null);
        }
    }

    private static Duration seconds(String v) {
        try {
            return Duration.ofSeconds(Math.min(3600, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] json(Map<String, Object> value) {
        try {
            return Notifications.JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
