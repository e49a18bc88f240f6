package io.kubestead.boot;

import io.kubestead.kube.SandboxCluster;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the embedded defaults a fresh machine needs before Quarkus reads its configuration: a PostgreSQL when
 * no datasource is configured, and the sandbox cluster when no real cluster is found.
 */
@QuarkusMain
public class KubesteadMain {

    public static void main(String... args) {
        // metric requests connect to the address the egress policy checked and name the host in a Host header
        System.getProperties().putIfAbsent("jdk.httpclient.allowRestrictedHeaders", "host");
        // an address that is not a valid URI reaches Kubestead's request checks (a 400 problem+json naming what is
        // wrong) instead of an empty 400 from the HTTP layer
        System.getProperties().putIfAbsent("vertx.disableURIValidation", "true");
        // likewise a header with a control character in its value (or a name that is not a token) reaches them and
        // gets a 400 problem+json naming the header; this also turns off Vert.x's check of response headers, which
        // HeaderFields does instead (and of the headers Vert.x clients send: the Kubernetes and OIDC clients, which
        // carry configured credentials and the provider's tokens, never a value taken from a request)
        System.getProperties().putIfAbsent("vertx.disableHttpHeadersValidation", "true");
        EmbeddedDatabase.startIfUnconfigured();
        SandboxCluster.startIfNeeded();
        Quarkus.run(args);
    }
}
