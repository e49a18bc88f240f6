package io.kubestead.approval;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing (v0): {@code X-Slack-Signature} is {@code v0=} and the hex HMAC-SHA256, keyed with the
 * app's signing secret, of {@code v0:<X-Slack-Request-Timestamp>:<raw body>}. Compared in constant time; a timestamp
 * further than the allowed skew from now is refused (a captured request cannot be replayed later).
 */
public final class SlackSignature {

    private SlackSignature() {
    }

    /** Null when the request is genuine and fresh, else why not (for the 401's detail). */
    public static String refusal(String secret, String timestamp, String signature, byte[] body, Instant now, Duration maxSkew) {
        if (timestamp == null || signature == null) {
            return "the request is not signed (X-Slack-Request-Timestamp and X-Slack-Signature are required)";
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "X-Slack-Request-Timestamp is not a number";
        }
        if (Math.abs(now.getEpochSecond() - ts) > maxSkew.toSeconds()) {
            return "the request's timestamp is more than " + maxSkew.toMinutes() + " minutes from now";
        }
        byte[] expected = sign(secret, timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            return "the signature does not match";
        }
        return null;
    }

    /** {@code v0=<hex>} for a timestamp and raw body. */
    public static String sign(String secret, String timestamp, byte[] body) {
        return "v0=" + HexFormat.of().formatHex(hmac(secret, ("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8), body));
    }

    /** HMAC-SHA256 of the parts, one after the other. */
    public static byte[] hmac(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
