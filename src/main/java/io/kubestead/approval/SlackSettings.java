package io.kubestead.approval;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.KubesteadConfig;

/**
 * Where Slack is: an Incoming Webhook URL or a bot token and channel, and the app's signing secret — each from
 * configuration, else from the Kubernetes Secret kubestead.slack.secret (read outside any transaction, kept a
 * minute). Values are never logged or served.
 */
@ApplicationScoped
public class SlackSettings {

    private static final Logger LOG = Logger.getLogger(SlackSettings.class);
    private static final Duration KEEP = Duration.ofMinutes(1);

    public record Resolved(Optional<String> webhookUrl, Optional<String> botToken, Optional<String> channel,
            Optional<String> signingSecret) {

        public boolean canPost() {
            return webhookUrl.isPresent() || (botToken.isPresent() && channel.isPresent());
        }
    }

    @Inject
    KubesteadConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    private volatile Map<String, String> fromSecret = Map.of();
    private volatile Instant readAt = Instant.EPOCH;

    /** Whether Slack is set up at all (configuration only: safe inside a transaction). */
    public boolean configured() {
        KubesteadConfig.Slack s = config.slack();
        return s.webhookUrl().isPresent() || s.botToken().isPresent() || s.secret().isPresent();
    }

    /** The settings now; may read the Secret (a remote call: never inside a transaction). */
    @io.kubestead.common.RemoteCall
    public Resolved resolve() {
        KubesteadConfig.Slack s = config.slack();
        Map<String, String> secret = s.secret().isPresent() ? secret(s.secret().get()) : Map.of();
        return new Resolved(or(s.webhookUrl(), secret, "webhook-url"), or(s.botToken(), secret, "bot-token"),
                or(s.channel(), secret, "channel"), or(s.signingSecret(), secret, "signing-secret"));
    }

    private static Optional<String> or(Optional<String> configured, Map<String, String> secret, String key) {
        return configured.filter(v -> !v.isBlank()).or(() -> Optional.ofNullable(secret.get(key)).filter(v -> !v.isBlank()));
    }

    private Map<String, String> secret(String name) {
        Instant now = clock.instant();
        if (!now.isBefore(readAt) && now.isBefore(readAt.plus(KEEP))) {
            return fromSecret;
        }
        String namespace = config.cluster().namespace();
        try {
            Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
            Map<String, String> values = new java.util.HashMap<>();
            if (secret != null && secret.getData() != null) {
                secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim()));
            }
            if (secret != null && secret.getStringData() != null) {
                secret.getStringData().forEach((k, v) -> values.putIfAbsent(k, v.trim()));
            }
            if (secret == null) {
                LOG.warnf("Slack: Secret %s/%s (kubestead.slack.secret) does not exist", namespace, name);
            }
            fromSecret = Map.copyOf(values);
        } catch (RuntimeException e) {
            LOG.warnf("Slack: could not read Secret %s/%s: %s", namespace, name, e.getClass().getSimpleName());
        }
        readAt = now;
        return fromSecret;
    }
}
