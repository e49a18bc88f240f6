package io.kubestead.common;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a declared body over the document limit before it is read, with the API's problem+json instead of
 * the transport's bare 413.
 */
public class BodyLimitFilter {

    @RouteFilter(1000)
    void limit(RoutingContext rc) {
        String length = rc.request().getHeader("Content-Length");
        if (length != null && rc.normalizedPath().startsWith("/api/")) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > Documents.MAX_BYTES) {
                rc.response().putHeader("Connection", "close");
                Problems.write(rc, 413, "Payload too large", "Documents are limited to " + Documents.MAX_BYTES
                        + " bytes; this one has " + declared + ".");
                return;
            }
        }
        rc.next();
    }
}
