package io.kubestead.approval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.kubestead.testing.ApiTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** Slack's side of an interaction, for tests and benchmarks: a person mapped to a Slack id, and signed clicks. */
public final class SlackClicks {

    private SlackClicks() {
    }

    public static void person(String name, String slackId, String... roles) {
        StringBuilder b = new StringBuilder();
        for (String r : roles) {
            b.append(b.length() == 0 ? "" : ",").append("{\"role\": \"").append(r).append("\"}");
        }
        int status = given().contentType("application/json").body("{\"name\": \"" + name + "\", \"kind\": \"user\", "
                + "\"password\": \"correct-horse-battery-9\", \"bindings\": [" + b + "]}").post("/api/v1/users").statusCode();
        assertThat(status).isIn(201, 409);
        given().contentType("application/json").body("{\"slackUserId\": \"" + slackId + "\"}")
                .put("/api/v1/users/" + name + "/slack").then().statusCode(200).body("slackUserId", is(slackId));
    }

    public static String payload(String slackUser, long approval, String action, String responseUrl) {
        return "payload=" + URLEncoder.encode("{\"type\":\"block_actions\",\"user\":{\"id\":\"" + slackUser + "\"},"
                + "\"actions\":[{\"action_id\":\"" + action + "\",\"value\":\"" + approval + "\"}],"
                + "\"response_url\":\"" + responseUrl + "\"}", StandardCharsets.UTF_8);
    }

    /** A click sent as Slack sends it: no Kubestead credentials, signed with {@code secret} at {@code timestamp}. */
    public static Response click(String body, long timestamp, String secret) {
        return signedAs(body, body, timestamp, secret);
    }

    /** Sends {@code sent} with the signature of {@code signed}. */
    public static Response signedAs(String sent, String signed, long timestamp, String secret) {
        String ts = String.valueOf(timestamp);
        ApiTest.useNobody();
        try {
            return RestAssured.given().contentType("application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", ts)
                    .header("X-Slack-Signature", SlackSignature.sign(secret, ts, signed.getBytes(StandardCharsets.UTF_8)))
                    .body(sent).post("/api/v1/slack/interactions");
        } finally {
            ApiTest.useAdmin();
        }
    }

}
