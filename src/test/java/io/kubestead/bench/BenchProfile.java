package io.kubestead.bench;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Benchmarks run the engine with its production defaults; only the simulated cluster is tuned for many objects. */
public class BenchProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("kubestead.engine.enabled", "true",
                "kubestead.engine.threads", "4",
                "kubestead.engine.poll-interval", "1s",
                "kubestead.engine.idle-wait", "1s",
                "kubestead.sandbox.tick", "250ms",
                "quarkus.log.category.\"io.kubestead\".level", "WARN");
    }
}
