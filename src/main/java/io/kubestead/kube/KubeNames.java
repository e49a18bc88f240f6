package io.kubestead.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic object names: the same release and hook always name the same Job, so it is never made twice. */
public final class KubeNames {

    public static final int MAX = 63;
    public static final String LABEL_ROLLOUT = "kubestead.io/rollout";
    public static final String LABEL_RELEASE = "kubestead.io/release";
    public static final String LABEL_HOOK = "kubestead.io/hook";
    public static final String LABEL_TRACK = "kubestead.io/track";
    public static final String SANDBOX_FAIL = "kubestead.io/sandbox-fail";

    private KubeNames() {
    }

    /** {@code <rollout>-<release>-<hook>} (plus {@code -a<n>} from the second attempt), shortened with a hash to 63. */
    public static String hookJob(String rollout, long release, String hook, int attempt) {
        String name = rollout + "-" + release + "-" + hook + (attempt > 1 ? "-a" + attempt : "");
        return shorten(name);
    }

    public static String canary(String deployment) {
        return shorten(deployment + "-canary");
    }

    static String shorten(String name) {
        if (name.length() <= MAX) {
            return name;
        }
        String hash = hash(name).substring(0, 10);
        String head = name.substring(0, MAX - hash.length() - 1);
        while (head.endsWith("-")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + "-" + hash;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
