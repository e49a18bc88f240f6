package io.kubestead.boot;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the embedded defaults a fresh machine needs before Quarkus reads its configuration: a PostgreSQL when
 * no datasource is configured (and, later in start-up, the sandbox cluster when no cluster is found).
 */
@QuarkusMain
public class KubesteadMain {

    public static void main(String... args) {
        EmbeddedDatabase.startIfUnconfigured();
        Quarkus.run(args);
    }
}
