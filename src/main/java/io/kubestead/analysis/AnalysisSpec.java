package io.kubestead.analysis;

import java.time.Duration;
import java.util.Map;

/** An analysis template: where a metric comes from and how its value is judged. */
public record AnalysisSpec(String name, Map<String, String> args, Provider provider, Expr successCondition,
        Expr failureCondition, Duration interval, Integer count, Duration initialDelay, int failureLimit,
        int inconclusiveLimit, int consecutiveErrorLimit) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    public sealed interface Provider {
    }

    public record Prometheus(String address, String query) implements Provider {
    }

    public record Web(String url, String jsonPath, Map<String, Header> headers, Duration timeout) implements Provider {
    }

    /** A header value: literal text (sandbox, or when allowed), or a reference resolved when measuring. */
    public sealed interface Header {
    }

    public record Literal(String text) implements Header {
    }

    /** A key of a Kubernetes Secret in Kubestead's namespace (kubestead.analysis.secrets-namespace). */
    public record FromSecret(String name, String key) implements Header {
    }

    /** An environment variable of the server; only names starting with KUBESTEAD_ANALYSIS_. */
    public record FromEnv(String name) implements Header {
    }
}
