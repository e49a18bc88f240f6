package io.kubestead.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where the sign-in page sends a person back to: only paths of this server, never another site. */
public final class LoginPaths {

    private LoginPaths() {
    }

    public static String loginFor(String uri) {
        return loginFor(uri, false);
    }

    /** The sign-in page that returns to {@code uri}; {@code expired} makes it say that the session has ended. */
    public static String loginFor(String uri, boolean expired) {
        String next = safeNext(uri);
        String query = ("/".equals(next) ? "" : "next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))
                + (expired ? ("/".equals(next) ? "" : "&") + "expired=1" : "");
        return "/login" + (query.isEmpty() ? "" : "?" + query);
    }

    /** A path on this server ("/releases/7"), or "/" for anything else (absolute, protocol-relative, odd). */
    public static String safeNext(String next) {
        if (next == null || next.length() > 2000 || !next.startsWith("/") || next.startsWith("//")
                || next.startsWith("/\\") || next.startsWith("/login") || next.startsWith("/events")
                || next.indexOf('\\') >= 0 || io.kubestead.common.Text.hasControl(next)) {
            return "/";
        }
        return next;
    }
}
