package io.kubestead.common;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.core.json.JsonObject;
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
                JsonObject problem = new JsonObject()
                        .put("type", Problems.typeFor(413))
                        .put("title", "Payload too large")
                        .put("status", 413)
                        .put("detail", "Documents are limited to " + Documents.MAX_BYTES + " bytes; this one has "
                                + declared + ".");
                rc.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(problem.encode());
                return;
            }
        }
        rc.next();
    }
}
