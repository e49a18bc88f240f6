package io.kubestead.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Lease;
import io.kubestead.common.Liveness;
import io.kubestead.common.Timestamps;
import io.kubestead.common.WorkLoop;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Delivers the outbox: a worker claims one due message with a committed lease (as the engine claims releases),
 * sends it with no transaction open, and records the outcome only if its claim still holds. Failures are retried
 * with exponential backoff and jitter (1 s doubling up to kubestead.notifications.max-backoff, or what a 429's
 * Retry-After says) until kubestead.notifications.max-attempts; a Slack outage delays notifications and loses none.
 */
@ApplicationScoped
public class OutboxDelivery {

    private static final Logger LOG = Logger.getLogger(OutboxDelivery.class);
    /** Longer than a batch can take: 16 messages × (5 s to connect + 10 s for the answer). */
    private static final Duration LEASE = Duration.ofMinutes(5);
    /** Messages a worker claims at once (each is sent and recorded on its own). */
    static final int BATCH = 16;

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    @Inject
    Channels channels;

    @Inject
    Liveness liveness;

    private final String id = "outbox-" + UUID.randomUUID().toString().substring(0, 6);
    private volatile WorkLoop loop;
    private volatile int key;

    void onStart(@Observes StartupEvent e) {
        if (config.notifications().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        stop();
    }

    public synchronized void start() {
        if (loop != null) {
            return;
        }
        key = liveness.register();
        loop = new WorkLoop(id, config.notifications().threads(), this::deliverNext, this::nextDue, clock, Duration.ofSeconds(1));
        loop.start();
    }

    public synchronized void stop() {
        if (loop != null) {
            loop.stop();
            loop = null;
            liveness.release(key);
            key = 0;
        }
    }

    void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) Notifications.Written w) {
        WorkLoop l = loop;
        if (l != null) {
            l.wake();
        }
    }

    Instant nextDue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object v = em.createNativeQuery("select min(" + Lease.AFTER_LEASE.formatted("next_attempt_at")
                    + ") from outbox where state = 'Pending'").setParameter("now", clock.instant()).getSingleResult();
            return v == null ? null : Timestamps.instant(v);
        });
    }

    /**
     * Claims up to {@link #BATCH} due messages and delivers them one by one; false when none was due. Each outcome is
     * committed asynchronously (no wait for the WAL flush): a database crash in that fraction of a second can only
     * make a delivered message be sent once more, which its X-Kubestead-Delivery key lets a receiver see.
     */
    public boolean deliverNext() {
        List<OutboxMessage> claimed = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            return Lease.claim(em, OutboxMessage.class, "outbox", "id",
                    "state = 'Pending' and next_attempt_at <= :now and " + Lease.FREE, "next_attempt_at",
                    Map.of("now", now), id, key, now.plus(LEASE), BATCH);
        });
        for (OutboxMessage m : claimed) {
            Channels.Result result;
            try {
                result = channels.send(m);
            } catch (RuntimeException e) {
                result = Channels.Result.failed(e.getClass().getSimpleName(), null);
            }
            Channels.Result outcome = result;
            QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("select set_config('synchronous_commit', 'off', true)").getSingleResult();
                record(m, outcome);
            });
        }
        return !claimed.isEmpty();
    }

    private void record(OutboxMessage claimed, Channels.Result result) {
        OutboxMessage m = em.find(OutboxMessage.class, claimed.id, LockModeType.PESSIMISTIC_WRITE);
        if (m == null || m.lockVersion != claimed.lockVersion) {
            return;
        }
        Instant now = clock.instant();
        m.lease = null;
        m.attempts++;
        if (result.sent()) {
            m.state = OutboxMessage.DELIVERED;
            m.deliveredAt = now;
            m.lastError = null;
            String ts = result.data().get("ts");
            Object approval = m.payload.get("approval");
            if (ts != null && Channels.SLACK.equals(m.channel) && "approval-requested".equals(m.kind)
                    && approval instanceof Map<?, ?> a && a.get("id") instanceof Number approvalId) {
                // the bot's message: decisions taken elsewhere update it
                Approval row = Approval.findById(approvalId.longValue());
                if (row != null) {
                    row.slackChannel = result.data().get("channel");
                    row.slackTs = ts;
                }
            }
            return;
        }
        m.lastError = result.error().length() > 500 ? result.error().substring(0, 500) : result.error();
        if (m.attempts >= config.notifications().maxAttempts()) {
            m.state = OutboxMessage.DEAD;
            LOG.warnf("Notification %s to %s given up after %d attempts: %s", m.idempotencyKey, m.channel, m.attempts, m.lastError);
            return;
        }
        m.nextAttemptAt = now.plus(result.retryAfter() != null ? result.retryAfter() : backoff(m.attempts, config.notifications().maxBackoff()));
        if (m.attempts == 1) {
            LOG.infof("Notification %s to %s failed, will retry: %s", m.idempotencyKey, m.channel, m.lastError);
        }
    }

    /** 1 s, 2 s, 4 s … up to {@code max}, each with up to 20% jitter (so that a recovered Slack is not stormed). */
    static Duration backoff(int attempts, Duration max) {
        long base = Math.min(max.toMillis(), 1000L << Math.min(20, attempts - 1));
        return Duration.ofMillis(base + ThreadLocalRandom.current().nextLong(base / 5 + 1));
    }
}
