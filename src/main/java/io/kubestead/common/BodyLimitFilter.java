package io.kubestead.common;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a declared body over the document limit before it is read, with the API's problem+json instead of
 * the transport's bare 413.
 */
public class BodyLimitFilter {

    /** The console's forms: far below the transport's hard cap (quarkus.http.limits.max-body-size). */
    public static final long MAX_FORM_BYTES = 4L * 1024 * 1024;

    @RouteFilter(1000)
    void limit(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        if (length != null) {
            boolean api = rc.normalizedPath().startsWith("/api/");
            long limit = api ? Documents.MAX_BYTES : MAX_FORM_BYTES;
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > limit) {
                rc.response().putHeader("Connection", "close");
                Problems.write(rc, 413, "Payload too large", (api ? "Documents" : "Requests") + " are limited to "
                        + limit + " bytes; this one has " + declared + ".");
                return;
            }
        }
        rc.next();
    }
}
