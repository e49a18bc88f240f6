package io.kubestead.rollout.spec;

/** How canary traffic is split: by replica ratio behind one Service, or by Gateway API HTTPRoute weights. */
public sealed interface TrafficRouting {

    record Replicas() implements TrafficRouting {
    }

    record GatewayApi(String httpRoute, String stableService, String canaryService) implements TrafficRouting {
    }
}
