package io.kubestead.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Slack's published example of request signing, and what must fail. */
class SlackSignatureTest {

    // Slack's documentation ("Verifying requests from Slack"): secret, timestamp, body and the signature it gives
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final String BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    static final Instant THEN = Instant.ofEpochSecond(1531420618L + 30);
    static final Duration SKEW = Duration.ofMinutes(5);

    static byte[] body(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void slacksTestVector() {
        assertThat(SlackSignature.sign(SECRET, TIMESTAMP, body(BODY))).isEqualTo(SIGNATURE);
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE, body(BODY), THEN, SKEW)).isNull();
    }

    @Test
    void anythingChangedFails() {
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE, body(BODY + "&x=1"), THEN, SKEW)).contains("does not match");
        assertThat(SlackSignature.refusal(SECRET + "x", TIMESTAMP, SIGNATURE, body(BODY), THEN, SKEW)).contains("does not match");
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE.replace("v0=a", "v0=b"), body(BODY), THEN, SKEW))
                .contains("does not match");
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE.substring(3), body(BODY), THEN, SKEW)).contains("does not match");
        // the timestamp is part of what is signed
        assertThat(SlackSignature.refusal(SECRET, "1531420619", SIGNATURE, body(BODY), THEN, SKEW)).contains("does not match");
    }

    @Test
    void oldOrMissingTimestampsFail() {
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE, body(BODY), THEN.plusSeconds(300), SKEW))
                .contains("more than 5 minutes");
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, SIGNATURE, body(BODY), THEN.minusSeconds(340), SKEW))
                .contains("more than 5 minutes");
        assertThat(SlackSignature.refusal(SECRET, null, SIGNATURE, body(BODY), THEN, SKEW)).contains("not signed");
        assertThat(SlackSignature.refusal(SECRET, TIMESTAMP, null, body(BODY), THEN, SKEW)).contains("not signed");
        assertThat(SlackSignature.refusal(SECRET, "soon", SIGNATURE, body(BODY), THEN, SKEW)).contains("not a number");
    }
}
