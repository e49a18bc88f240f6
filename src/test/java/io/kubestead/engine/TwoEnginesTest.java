package io.kubestead.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseEvent;
import io.kubestead.release.ReleaseState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** Two engines on one database and 200 releases: no release is ever advanced by both. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class TwoEnginesTest extends EngineFixture {

    static final int RELEASES = 200;

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    @Test
    void twoEnginesShareTheWorkAndNeverActOnOneReleaseTogether() {
        engine.stop();
        io.kubestead.engine.EngineRunner alpha = engine.newRunner("alpha");
        io.kubestead.engine.EngineRunner beta = engine.newRunner("beta");
        String ns = unique("two");
        List<Long> ids = new ArrayList<>();
        try {
            alpha.start();
            beta.start();
            for (int i = 0; i < RELEASES; i++) {
                String name = "two-" + i + "-" + ns.substring(4);
                stable(client, ns, name, 2, "img/" + name + ":1");
                rollout(name, """
                          target: {namespace: %s}
                          canarySteps:
                            - setWeight: 50
                            - pause: {duration: 1s}
                            - setWeight: 100
                        """.formatted(ns));
                ids.add(release(name, "2.0." + i));
            }
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> QuarkusTransaction
                    .requiringNew().call(() -> Release.count("id in ?1 and state = ?2", ids, ReleaseState.Promoted)) == RELEASES);
        } finally {
            alpha.stop();
            beta.stop();
            engine.start();
        }

        Set<Object> enginesSeen = new HashSet<>();
        assertThat(doubleActions(ids, 3, enginesSeen)).isZero();
        QuarkusTransaction.requiringNew().run(() -> assertThat(ReleaseEvent.count(
                "releaseId in ?1 and type = 'Paused'", ids)).isEqualTo(RELEASES));
        assertThat(enginesSeen).contains("alpha", "beta");
    }
}
