package io.kubestead.common;

import java.util.Optional;

/**
 * Settings read before Quarkus starts (to decide on the embedded defaults): a system property, else its
 * environment variable.
 */
public final class EarlySettings {

    private EarlySettings() {
    }

    public static Optional<String> get(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
