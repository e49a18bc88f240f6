package io.kubestead.engine;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.Liveness;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A worker's claim on a release holds while the worker lives and is free the moment it dies (its liveness lock
 * goes with its database session), long before the lease's two minutes are over; each claim raises the fencing
 * version, so a dead worker's late result can never be written over the next one's.
 */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class LeaseTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    @Inject
    Reconciler reconciler;

    @Inject
    Liveness liveness;

    @Test
    void aClaimHoldsWhileItsWorkerLivesAndIsFreeTheMomentItDies() {
        String ns = unique("lease");
        String name = unique("svc");
        stable(client, ns, name, 2, "registry.example.com/" + name + ":1.0.0");
        rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
        engine.stop();
        int ghost = liveness.register();
        int other = liveness.register();
        try {
            long id = release(name, "2.0.0");
            io.kubestead.release.Claim first = reconciler.claim("ghost", ghost, false, id);
            assertThat(first).isNotNull();
            assertThat(first.id()).isEqualTo(id);
            // while the ghost lives, its claim holds: nobody else may take the release
            assertThat(reconciler.claim("other", other, false, id)).isNull();
            // the ghost's process dies: its session, and the liveness lock with it, are gone
            liveness.release(ghost);
            io.kubestead.release.Claim second = reconciler.claim("other", other, false, id);
            assertThat(second).isNotNull();
            assertThat(second.version()).isGreaterThan(first.version());
            // an abort is taken by the abort lane even from a live step worker
            act(id, "abort", "oncall", null);
            io.kubestead.release.Claim abort = reconciler.claim("third/abort", other, true, id);
            assertThat(abort).isNotNull();
            assertThat(abort.version()).isGreaterThan(second.version());
            liveness.release(other);
            engine.start();
            awaitState(id, "Aborted");
        } finally {
            liveness.release(ghost);
            liveness.release(other);
            engine.start();
        }
    }
}
