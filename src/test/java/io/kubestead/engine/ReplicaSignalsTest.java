package io.kubestead.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Replicas wake each other through PostgreSQL: a change here is announced on the channel, and another
 * replica's announcement wakes this engine — with its idle poll set to ten minutes, so that only the signal can.
 */
@QuarkusTest
@TestProfile(ReplicaSignalsTest.SlowPoll.class)
class ReplicaSignalsTest extends EngineFixture {

    public static class SlowPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kubestead.engine.enabled", "true", "kubestead.engine.idle-wait", "10m",
                    "kubestead.engine.poll-interval", "10m");
        }
    }

    @Inject
    ReplicaSignals signals;

    @Inject
    Engine engine;

    @Test
    void aChangeHereIsAnnouncedToOtherReplicas() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("LISTEN " + ReplicaSignals.CHANNEL);
            String name = unique("sig");
            rollout(name, "  canarySteps:\n    - pause: {}\n");
            release(name, "1.0.0");
            PGConnection pg = c.unwrap(PGConnection.class);
            List<String> payloads = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                PGNotification[] notes = pg.getNotifications(100);
                if (notes != null) {
                    for (PGNotification n : notes) {
                        payloads.add(n.getParameter());
                    }
                }
                return !payloads.isEmpty();
            });
            assertThat(payloads).contains(signals.replica());
        }
    }

    @Test
    void anotherReplicasAnnouncementWakesThisEngine() throws Exception {
        long before = signals.received();
        long woken = engine.wakeups();
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            // what another replica sends after it committed a change
            s.execute("select pg_notify('" + ReplicaSignals.CHANNEL + "', 'another-replica')");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> signals.received() > before);
        assertThat(engine.wakeups()).isGreaterThan(woken);
    }
}
