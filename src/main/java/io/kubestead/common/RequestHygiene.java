package io.kubestead.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Requests are checked before anything reads them: no control character (NUL included) in the path, a query
 * parameter or a header value, no header name that is not a token, no malformed percent-escape, no URI over 8 KiB —
 * each a 400 (414) problem+json naming what is wrong. Errors raised below the REST layer (an oversized body, a bad
 * path) answer with problem+json too.
 */
public class RequestHygiene {

    public static final int MAX_URI = 8192;
    /** Header sections beyond this are a 431 problem (the HTTP layer's own, bare, limit is 64 KiB). */
    public static final int MAX_HEADERS = 16 * 1024;
    private static final Set<Integer> BARE = Set.of(400, 404, 405, 413, 414, 415, 431, 500, 501, 503);

    @RouteFilter(3000)
    void check(RoutingContext rc) {
        String uri = rc.request().uri();
        if (uri.length() > MAX_URI) {
            Problems.write(rc, 414, "URI too long", "Request addresses are limited to " + MAX_URI + " characters.");
            return;
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> h : rc.request().headers()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADERS) {
            Problems.write(rc, 431, "Request header fields too large", "Request headers are limited to "
                    + (MAX_HEADERS / 1024) + " KiB in all.");
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        int q = uri.indexOf('?');
        check("path", q < 0 ? uri : uri.substring(0, q), false, errors);
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String label = name == null || name.isEmpty() || Text.hasControl(name) ? "query" : name;
                check(label, eq < 0 ? pair : pair.substring(0, eq), true, errors);
                if (eq >= 0) {
                    check(label, pair.substring(eq + 1), true, errors);
                }
            }
        }
        for (Map.Entry<String, String> h : rc.request().headers()) {
            if (!HeaderFields.isToken(h.getKey())) {
                errors.add(new FieldError("header", "names must be tokens (letters, digits and " + HeaderFields.TOKEN_SYMBOLS + ")"));
            } else if (!HeaderFields.isValue(h.getValue())) {
                errors.add(new FieldError("header " + h.getKey(), "must not contain control characters (such as NUL or CR)"));
            }
        }
        if (errors.isEmpty()) {
            try {
                new java.net.URI(uri);
            } catch (java.net.URISyntaxException e) {
                // what the HTTP layer would have answered with an empty 400 (its own check is off: see KubesteadMain)
                String what = q >= 0 && e.getIndex() > q ? "query" : "path";
                errors.add(new FieldError(what, "is not a valid address (" + e.getReason().toLowerCase(java.util.Locale.ROOT)
                        + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "") + ")"));
            }
        }
        if (!errors.isEmpty()) {
            Problems.write(rc, ApiException.invalid(errors).toProblem());
            return;
        }
        rc.next();
    }

    private static void check(String label, String raw, boolean plusIsSpace, List<FieldError> errors) {
        String decoded = decode(raw, plusIsSpace);
        if (decoded == null) {
            errors.add(new FieldError(label, "has a malformed percent-escape or is not UTF-8"));
        } else if (Text.hasControl(decoded)) {
            errors.add(new FieldError(label, "must not contain control characters (such as NUL, CR or LF)"));
        }
    }

    /** Strict percent-decoding as UTF-8; null when an escape is malformed or the bytes are not UTF-8. */
    static String decode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Failures below the REST layer (the body limit, a path the router cannot read) answer with problem+json. */
    void failures(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> {
            Throwable f = rc.failure();
            if (f instanceof ForbiddenException && rc.user() != null && !rc.response().ended()) {
                // a signed-in principal refused by a path rule (anonymous ones get the sign-in challenge instead)
                Problems.write(rc, 403, "Forbidden", "There is nothing here for this principal.");
                return;
            }
            if (rc.response().ended() || rc.response().headWritten() || f instanceof AuthenticationFailedException
                    || f instanceof AuthenticationCompletionException || f instanceof AuthenticationRedirectException
                    || f instanceof UnauthorizedException || f instanceof ForbiddenException) {
                rc.next();
                return;
            }
            int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
            if (!BARE.contains(status)) {
                rc.next();
                return;
            }
            String detail = switch (status) {
                case 400 -> "The request could not be read.";
                case 413 -> "The request body is too large.";
                case 414 -> "The request address is too long.";
                case 431 -> "The request headers are too large.";
                case 404 -> "There is nothing at this address.";
                default -> status >= 500 ? "The server could not complete the request." : "The request was refused.";
            };
            var type = jakarta.ws.rs.core.Response.Status.fromStatusCode(status);
            Problems.write(rc, status, type == null ? "Error" : type.getReasonPhrase(), detail);
        });
    }
}
