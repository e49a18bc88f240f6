package io.kubestead.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kubestead.common.Durations;
import io.kubestead.common.Lease;
import io.kubestead.common.Timestamps;
import io.kubestead.common.WorkLoop;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs backfills batch by batch. A runner claims a due backfill with a committed lease (so two runners never run
 * one backfill; a dead runner's claim is void at once, see {@link io.kubestead.common.Liveness}), runs the batch on
 * the target with no Kubestead transaction open, then writes the checkpoint if the backfill was not changed
 * meanwhile (paused, cancelled): a restart resumes after the last key done, and a batch whose checkpoint was not
 * written is simply run again (batches are idempotent). Throttles while replication lag is over the limit, and
 * adapts the batch size to a target time.
 */
@ApplicationScoped
public class Backfills {

    private static final Logger LOG = Logger.getLogger(Backfills.class);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    io.kubestead.approval.Notifications notifications;

    @Inject
    TargetDatabases databases;

    @Inject
    io.kubestead.common.KubesteadConfig config;

    private volatile WorkLoop runner;
    /** One open connection per runner thread and target database. */
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent e) {
        if (config.engine().enabled()) {
            runner = newRunner("backfill-" + UUID.randomUUID().toString().substring(0, 6));
            runner.start();
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        stop();
    }

    public WorkLoop newRunner(String id) {
        return new WorkLoop(id, 1, () -> runNextBatch(id), this::nextDue, clock, Duration.ofSeconds(1));
    }

    public void stop() {
        if (runner != null) {
            runner.stop();
            release(runner.id());
        }
    }

    public void start() {
        if (runner == null) {
            runner = newRunner("backfill-" + UUID.randomUUID().toString().substring(0, 6));
        }
        runner.start();
    }

    public void wake() {
        if (runner != null) {
            runner.wake();
        }
    }

    /** Settings with their defaults. */
    public record Settings(int batchSize, Duration pause, Duration statementTimeout, Duration maxReplicationLag,
            Duration targetBatchTime) {

        static Settings of(Map<String, Object> m) {
            return new Settings(((Number) m.get("batchSize")).intValue(), parse(m.get("pause")),
                    parse(m.get("statementTimeout")), parse(m.get("maxReplicationLag")), parse(m.get("targetBatchTime")));
        }

        private static Duration parse(Object v) {
            Duration d = Durations.parse(String.valueOf(v), true);
            return d == null ? Duration.ZERO : d;
        }
    }

    /** The earliest time any running backfill wants attention (one being run: when its lease ends), or null. */
    Instant nextDue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            Object v = em.createNativeQuery("select min(" + Lease.AFTER_LEASE.formatted("coalesce(next_at, :now)")
                    + ") from backfill where state = 'Running'")
                    .setParameter("now", now).getSingleResult();
            return v == null ? null : Timestamps.instant(v);
        });
    }

    @Inject
    io.kubestead.common.Liveness liveness;

    private volatile int livenessKey;

    private int livenessKey() {
        if (livenessKey == 0) {
            synchronized (this) {
                if (livenessKey == 0) {
                    livenessKey = liveness.register();
                }
            }
        }
        return livenessKey;
    }

    /** A claimed backfill (a detached copy), its pipeline, and when it was claimed. */
    private record Claimed(Backfill backfill, Pipeline pipeline, Instant at) {
    }

    /** Claims one running backfill that is due and runs one batch of it. Returns false when none is due. */
    boolean runNextBatch(String runnerId) {
        int key = livenessKey();
        Claimed claimed = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            Backfill b = Lease.claimNext(em, Backfill.class, "backfill", "pipeline_name", "state = 'Running' and "
                    + "(next_at is null or next_at <= :now) and " + Lease.FREE, "next_at nulls first", Map.of("now", now),
                    runnerId, key, now.plus(config.engine().lease()));
            return b == null ? null : new Claimed(b, em.find(Pipeline.class, b.pipelineName), now);
        });
        if (claimed == null) {
            return false;
        }
        // detached now: the batch changes this copy, and the checkpoint is written only if the claim still holds
        Backfill b = claimed.backfill();
        long version = b.lockVersion;
        batch(runnerId, b, claimed.pipeline(), claimed.at());
        b.lease = null;
        boolean kept = QuarkusTransaction.requiringNew().call(() -> {
            Backfill current = em.find(Backfill.class, b.pipelineName, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (current == null || current.lockVersion != version) {
                return false;
            }
            boolean completedNow = Backfill.COMPLETED.equals(b.state) && !Backfill.COMPLETED.equals(current.state);
            em.merge(b);
            if (completedNow) {
                notifications.backfillCompleted(b.pipelineName, claimed.pipeline().rolloutName, b.rowsDone);
            }
            return true;
        });
        if (!kept) {
            LOG.debugf("Backfill %s changed during a batch (paused, cancelled); its checkpoint was not written",
                    b.pipelineName);
            QuarkusTransaction.requiringNew().run(() -> Lease.drop(em, "backfill", "pipeline_name", b.pipelineName, runnerId));
        }
        return true;
    }

    private void batch(String runnerId, Backfill b, Pipeline p, Instant now) {
        Settings s = Settings.of(b.settings);
        Plan plan = JSON.convertValue(p.plan, Plan.class);
        String key = runnerId + "/" + p.databaseName + "/" + Thread.currentThread().getName();
        try {
            Connection c = connection(key, p.databaseName);
            long lag = BackfillBatches.replicationLagMillis(c);
            c.commit();
            b.lastLagMillis = lag;
            if (lag > s.maxReplicationLag().toMillis()) {
                if (!b.throttled) {
                    LOG.infof("Backfill %s: replication lag %d ms is over %d ms; waiting", b.pipelineName, lag,
                            s.maxReplicationLag().toMillis());
                }
                b.throttled = true;
                b.nextAt = now.plusMillis(250);
                b.updatedAt = now;
                return;
            }
            b.throttled = false;
            if (b.startedAt == null) {
                b.startedAt = now;
                long estimate = BackfillBatches.estimatedRows(c, plan.table());
                // a table never analysed has no estimate (reltuples -1): say unknown rather than 0
                b.estimatedRows = estimate > 0 ? estimate : null;
                b.upperBound = BackfillBatches.greatestKey(c, plan.table(), b.keyColumns);
                c.commit();
            }
            long t0 = System.nanoTime();
            BackfillBatches.Result r = b.upperBound == null ? new BackfillBatches.Result(0, 0, b.cursor)
                    : BackfillBatches.run(c, plan, b.keyColumns, b.cursor, b.upperBound, b.batchSize,
                            s.statementTimeout().toMillis());
            long elapsed = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            b.activeMillis += elapsed;
            b.updatedAt = clock.instant();
            if (r.scanned() == 0) {
                b.state = Backfill.COMPLETED;
                b.finishedAt = b.updatedAt;
                b.nextAt = null;
                b.mismatches = BackfillBatches.mismatches(c, plan);
                b.verifiedAt = clock.instant();
                b.message = b.rowsDone + " rows updated; verification found " + b.mismatches + " mismatching rows";
                return;
            }
            b.cursor = r.cursor();
            b.rowsDone += r.updated();
            b.rowsScanned += r.scanned();
            b.batches++;
            long target = Math.max(1, s.targetBatchTime().toMillis());
            int adapted = (int) Math.round(b.batchSize * (double) target / elapsed);
            b.batchSize = Math.max(Math.max(100, b.batchSize / 2), Math.min(Math.min(10_000, b.batchSize * 2), adapted));
            b.nextAt = b.updatedAt.plus(s.pause());
            b.message = null;
        } catch (SQLException e) {
            closeConnection(key);
            b.updatedAt = clock.instant();
            b.message = "batch failed, will retry: " + e.getMessage();
            b.nextAt = b.updatedAt.plusSeconds(1);
            LOG.warnf("Backfill %s: %s", b.pipelineName, e.getMessage());
        }
    }

    private Connection connection(String key, String database) throws SQLException {
        Connection c = connections.get(key);
        if (c == null || c.isClosed()) {
            c = databases.open(database);
            connections.put(key, c);
        }
        return c;
    }

    private void closeConnection(String key) {
        Connection c = connections.remove(key);
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    /** Closes the connections of a runner that stopped. */
    void release(String runnerId) {
        connections.keySet().stream().filter(k -> k.startsWith(runnerId + "/")).toList().forEach(this::closeConnection);
    }
}
