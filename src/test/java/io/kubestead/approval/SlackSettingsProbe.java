package io.kubestead.approval;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.KubesteadConfig;

/** Test access to Slack's settings as a server with kubestead.slack.secret set resolves them. */
public final class SlackSettingsProbe {

    private SlackSettingsProbe() {
    }

    /** Resolves the settings through {@code client}, the configuration as given but for the Secret's name. */
    public static SlackSettings.Resolved resolveFromSecret(KubernetesClient client, KubesteadConfig config, String secret) {
        SlackSettings settings = new SlackSettings();
        KubesteadConfig.Slack slack = (KubesteadConfig.Slack) Proxy.newProxyInstance(KubesteadConfig.Slack.class.getClassLoader(),
                new Class<?>[] { KubesteadConfig.Slack.class }, (p, m, args) -> m.getName().equals("secret")
                        ? Optional.of(secret) : m.invoke(config.slack(), args));
        settings.config = (KubesteadConfig) Proxy.newProxyInstance(KubesteadConfig.class.getClassLoader(),
                new Class<?>[] { KubesteadConfig.class }, (p, m, args) -> m.getName().equals("slack") ? slack : m.invoke(config, args));
        settings.client = client;
        settings.clock = Clock.systemUTC();
        return settings.resolve();
    }
}
