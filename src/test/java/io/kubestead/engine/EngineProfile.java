package io.kubestead.engine;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The engine tests run the release engine; the other tests do not, so their releases stay where they put them. */
public class EngineProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("kubestead.engine.enabled", "true", "kubestead.engine.threads", "4");
    }
}
