package io.kubestead.kube;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kubestead.rollout.spec.TrafficRouting.GatewayApi;

/** Traffic by Gateway API HTTPRoute weights: stable 100 − w, canary w, on every rule that routes to stable. */
@ApplicationScoped
@io.kubestead.common.RemoteCall
public class GatewayApiRouter implements TrafficRouter {

    @Inject
    KubernetesClient client;

    @Inject
    Workloads workloads;

    @Override
    public boolean apply(ReleaseTarget t, int weight) {
        int canary = Workloads.canaryReplicas(stableReplicas(t), weight);
        workloads.ensureCanary(t, canary);
        if (!workloads.canaryReady(t, canary)) {
            return false;
        }
        setWeights(t, weight);
        return true;
    }

    @Override
    public void zero(ReleaseTarget t) {
        if (weights(t) != null) {
            setWeights(t, 0);
        }
        workloads.scaleCanaryToZero(t);
    }

    @Override
    public void finish(ReleaseTarget t) {
        setWeights(t, 0);
        workloads.deleteCanary(t);
    }

    /** The weights of the route now: [stable, canary], or null when the route has no such backends. */
    public int[] weights(ReleaseTarget t) {
        GatewayApi g = (GatewayApi) t.routing();
        HTTPRoute route = route(t).get();
        if (route == null) {
            return null;
        }
        int stable = -1;
        int canary = 0;
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            for (HTTPBackendRef ref : rule.getBackendRefs()) {
                int w = ref.getWeight() == null ? 1 : ref.getWeight();
                if (g.stableService().equals(ref.getName())) {
                    stable = w;
                } else if (g.canaryService().equals(ref.getName())) {
                    canary = w;
                }
            }
        }
        return stable < 0 ? null : new int[] { stable, canary };
    }

    void setWeights(ReleaseTarget t, int weight) {
        GatewayApi g = (GatewayApi) t.routing();
        int[] now = weights(t);
        if (now == null) {
            throw new ClusterException("HTTPRoute " + t.namespace() + "/" + g.httpRoute()
                    + " does not exist or has no backendRef to Service " + g.stableService());
        }
        if (now[0] == 100 - weight && now[1] == weight) {
            return;
        }
        route(t).edit(route -> {
            for (HTTPRouteRule rule : route.getSpec().getRules()) {
                boolean routesStable = rule.getBackendRefs().stream().anyMatch(r -> g.stableService().equals(r.getName()));
                if (!routesStable) {
                    continue;
                }
                List<HTTPBackendRef> refs = new ArrayList<>(rule.getBackendRefs());
                boolean hasCanary = false;
                for (HTTPBackendRef ref : refs) {
                    if (g.stableService().equals(ref.getName())) {
                        ref.setWeight(100 - weight);
                    } else if (g.canaryService().equals(ref.getName())) {
                        ref.setWeight(weight);
                        hasCanary = true;
                    }
                }
                if (!hasCanary) {
                    HTTPBackendRef stableRef = refs.stream().filter(r -> g.stableService().equals(r.getName())).findFirst()
                            .orElseThrow();
                    refs.add(new HTTPBackendRefBuilder().withName(g.canaryService()).withPort(stableRef.getPort())
                            .withWeight(weight).build());
                }
                rule.setBackendRefs(refs);
            }
            return route;
        });
    }

    private Resource<HTTPRoute> route(ReleaseTarget t) {
        return client.resources(HTTPRoute.class).inNamespace(t.namespace()).withName(((GatewayApi) t.routing()).httpRoute());
    }

    private int stableReplicas(ReleaseTarget t) {
        Integer r = workloads.stable(t).getSpec().getReplicas();
        return r == null ? 1 : r;
    }
}
