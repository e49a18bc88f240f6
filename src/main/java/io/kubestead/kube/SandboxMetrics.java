package io.kubestead.kube;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.ApiException;
import io.kubestead.release.ReleaseService;

/**
 * The sandbox's demo metric source, answering like Prometheus's instant-query API: the canary of the service
 * named in the query ({@code service="..."}) has a 0.2% error rate, or 25% when its release's version contains
 * "bad" — so that a release can be made to fail analysis on purpose. Only on the sandbox cluster.
 */
// open like Prometheus itself: the server's own analysis queries it without credentials, and it serves only
// made-up demo numbers
@Allow(Permission.PUBLIC)
@Path("/sandbox/prometheus/api/v1/query")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sandbox")
public class SandboxMetrics {

    static final Pattern SERVICE = Pattern.compile("service\\s*=\\s*\"([^\"]+)\"");
    static final double HEALTHY = 0.002;
    static final double BAD = 0.25;

    @Inject
    ReleaseService releases;

    @Inject
    Clock clock;

    @GET
    @Operation(summary = "Demo error rate of a canary (sandbox only), in Prometheus's query API shape")
    public Map<String, Object> query(@QueryParam("query") String query) {
        if (!SandboxCluster.active()) {
            throw ApiException.notFound("The demo metric source exists only on the sandbox cluster.");
        }
        if (query == null || query.isBlank()) {
            throw ApiException.invalid("query", "is required");
        }
        Matcher m = SERVICE.matcher(query);
        double rate = 0;
        if (m.find()) {
            rate = releases.active(m.group(1)).map(r -> r.version().contains("bad") ? BAD : HEALTHY).orElse(0.0);
        }
        double now = clock.millis() / 1000.0;
        return Map.of("status", "success", "data", Map.of("resultType", "vector", "result",
                List.of(Map.of("metric", Map.of(), "value", List.of(now, String.valueOf(rate))))));
    }
}
