package io.kubestead.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;

/**
 * What a header field may hold (RFC 9110 5.1, 5.5): a name that is a token, a value free of control characters
 * other than HTAB. The HTTP layer's own check is off (see KubesteadMain) so that a request breaking these rules
 * reaches RequestHygiene and gets a 400 problem+json naming the header; that switch also turns off the HTTP layer's
 * check of response headers, so every response's headers are checked here before they are written: a header that
 * breaks the rules (a CR or LF that would split the response, say) is dropped and logged, never sent.
 */
public class HeaderFields {

    private static final Logger LOG = Logger.getLogger(HeaderFields.class);
    /** The characters besides letters and digits a token may hold. */
    public static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    public static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 0x80 && Character.isLetterOrDigit(c)) && TOKEN_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    public static boolean isValue(String value) {
        return !Text.hasControl(value.replace('\t', ' '));
    }

    /** Registered before any other route, so it runs after every other headers-end handler (they run last first). */
    void guard(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            rc.addHeadersEndHandler(v -> dropInvalid(rc.response().headers()));
            rc.next();
        });
    }

    /** Removes the headers (or the values of a header) that break the rules; the names of those removed. */
    static List<String> dropInvalid(MultiMap headers) {
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if ((!isToken(h.getKey()) || !isValue(h.getValue())) && !dropped.contains(h.getKey())) {
                dropped.add(h.getKey());
            }
        }
        for (String name : dropped) {
            List<String> kept = isToken(name) ? headers.getAll(name).stream().filter(HeaderFields::isValue).toList() : List.of();
            headers.remove(name);
            kept.forEach(value -> headers.add(name, value));
            LOG.errorf("Response header %s dropped: its name is not a token or a value holds a control character",
                    LogHygiene.escapeControls(name));
        }
        return dropped;
    }
}
