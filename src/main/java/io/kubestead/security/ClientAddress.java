package io.kubestead.security;

import io.vertx.ext.web.RoutingContext;

/** The client's address as the HTTP layer sees it (behind a proxy: with quarkus.http.proxy.* forwarding). */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(RoutingContext rc) {
        var a = rc.request().remoteAddress();
        return a == null ? "unknown" : a.hostAddress();
    }
}
