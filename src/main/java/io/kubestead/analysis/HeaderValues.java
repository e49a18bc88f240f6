package io.kubestead.analysis;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.KubesteadConfig;

/**
 * Resolves a template's header values when measuring: literal text, a Secret's key, or an environment variable.
 * The value goes into the request only; errors name the reference, never a value.
 */
@ApplicationScoped
public class HeaderValues {

    @Inject
    KubernetesClient client;

    @Inject
    KubesteadConfig config;

    public String value(String header, AnalysisSpec.Header h, Map<String, String> placeholders) {
        if (h instanceof AnalysisSpec.Literal l) {
            return AnalysisSpecParser.substitute(l.text(), placeholders);
        }
        if (h instanceof AnalysisSpec.FromEnv e) {
            String v = e.name() == null || !e.name().startsWith(AnalysisSpecParser.ENV_PREFIX) ? null : System.getenv(e.name());
            if (v == null) {
                throw new ExprException("header " + header + ": environment variable " + e.name() + " is not set");
            }
            return v;
        }
        AnalysisSpec.FromSecret s = (AnalysisSpec.FromSecret) h;
        String namespace = config.analysis().secretsNamespace().orElse(config.cluster().namespace());
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(s.name()).get();
        } catch (RuntimeException ex) {
            throw new ExprException("header " + header + ": could not read Secret " + namespace + "/" + s.name());
        }
        String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(s.key());
        if (encoded == null && secret != null && secret.getStringData() != null) {
            return secret.getStringData().get(s.key());
        }
        if (encoded == null) {
            throw new ExprException("header " + header + ": Secret " + namespace + "/" + s.name() + " has no key " + s.key());
        }
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
            throw new ExprException("header " + header + ": Secret " + namespace + "/" + s.name() + " key " + s.key()
                    + " is not base64");
        }
    }
}
