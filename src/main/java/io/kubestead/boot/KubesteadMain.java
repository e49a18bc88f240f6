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
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
        EmbeddedDatabase.startIfUnconfigured();
        SandboxCluster.startIfNeeded();
        Quarkus.run(args);
    }
}
