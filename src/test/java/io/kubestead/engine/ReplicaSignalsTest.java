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
@io.quarkus.test.kubernetes.client.WithKubernetesTestServer(crud = true)
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

    @Test
    void withPollingAtTenMinutesAFinishedJobAndAnotherReplicasChangeStillMoveTheRelease() throws Exception {
        String name = unique("wake");
        String ns = unique("wake");
        jobTemplate("wake-migration", Map.of());
        rollout(name, """
                  target: {namespace: %s}
                  preDeployHooks:
                    - {name: migrate, jobTemplate: wake-migration}
                  canarySteps:
                    - pause: {}
                    - pause: {duration: 1h}
                """.formatted(ns));
        long id = release(name, "1.0.0");
        // the hook Job finishes (the sandbox completes it at once); only the cluster watch can tell the engine
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(id).contains("HookStarted"));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> "Paused".equals(state(id)));
        assertThat(eventTypes(id)).contains("HookSucceeded", "HooksCompleted");

        // another replica resumes it: its commit and its NOTIFY are all this engine hears of it
        long heard = signals.received();
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("update release set state = 'Progressing', pause_kind = null, current_step = current_step + 1, "
                    + "step_data = null, due_at = timestamptz '1970-01-01 00:00:01+00', lock_version = lock_version + 1 where id = " + id);
            s.execute("insert into release_event (release_id, type, from_state, to_state, actor, at) values (" + id
                    + ", 'Resumed', 'Paused', 'Progressing', 'user:elsewhere', now())");
            s.execute("select pg_notify('" + ReplicaSignals.CHANNEL + "', 'another-replica')");
            c.commit();
        }
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> eventTypes(id).stream().filter("Paused"::equals).count() == 2);
        assertThat(signals.received()).isGreaterThan(heard);
        assertThat(get(id).getInt("currentStep")).isEqualTo(1);
    }
}
