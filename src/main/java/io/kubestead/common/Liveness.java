package io.kubestead.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Proof of life of this process's workers (engine runners, backfill runners), readable by every replica: while a
 * worker lives, a session of its own holds PostgreSQL advisory lock ({@link #LOCK_CLASS}, key). When the process
 * dies its connection closes and the lock goes with it, so the rows it had claimed (releases, backfills) are free
 * at once, not only when their lease ends.
 */
@ApplicationScoped
public class Liveness {

    /** The first half of every liveness lock (pg_locks.classid); the key is the second (pg_locks.objid). */
    public static final int LOCK_CLASS = 19733;
    /** The SQL condition that a row's claim (its claim_key column) is held by a worker that still lives. */
    public static final String CLAIM_ALIVE = "claim_key::bigint in (select objid::bigint from pg_locks where "
            + "locktype = 'advisory' and classid = " + LOCK_CLASS + " and objsubid = 2 and granted)";

    private static final Logger LOG = Logger.getLogger(Liveness.class);

    @Inject
    AgroalDataSource dataSource;

    private final Set<Integer> keys = new LinkedHashSet<>();
    private Connection session;
    private Thread watcher;
    private volatile boolean stopped;

    /** A new key, held from now on until {@link #release}. */
    public synchronized int register() {
        int key = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        keys.add(key);
        try {
            lock(open(), key);
        } catch (SQLException e) {
            LOG.warnf("Could not take the liveness lock (%s); retrying in the background", e.getMessage());
            drop();
        }
        if (watcher == null) {
            watcher = new Thread(this::watch, "kubestead-liveness");
            watcher.setDaemon(true);
            watcher.start();
        }
        return key;
    }

    public synchronized void release(int key) {
        if (!keys.remove(key) || session == null) {
            return;
        }
        try (PreparedStatement s = session.prepareStatement("select pg_advisory_unlock(?, ?)")) {
            s.setInt(1, LOCK_CLASS);
            s.setInt(2, key);
            s.execute();
        } catch (SQLException e) {
            drop();
        }
    }

    private Connection open() throws SQLException {
        if (session == null) {
            session = dataSource.getConnection();
            session.setAutoCommit(true);
        }
        return session;
    }

    private static void lock(Connection c, int key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_advisory_lock(?, ?)")) {
            s.setInt(1, LOCK_CLASS);
            s.setInt(2, key);
            s.execute();
        }
    }

    private void drop() {
        try {
            if (session != null) {
                // a pooled connection outlives close(): it must not go back to the pool holding the locks
                try (PreparedStatement s = session.prepareStatement("select pg_advisory_unlock_all()")) {
                    s.execute();
                } catch (SQLException ignored) {
                    // a broken session holds nothing any more
                }
                session.close();
            }
        } catch (SQLException ignored) {
            // the session is gone either way
        }
        session = null;
    }

    /** Every 2 s: is the session still there? If not, a new one takes the locks again. */
    private void watch() {
        while (!stopped) {
            LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(2));
            synchronized (this) {
                if (stopped || keys.isEmpty()) {
                    continue;
                }
                try {
                    if (session != null && session.isValid(2)) {
                        continue;
                    }
                    drop();
                    Connection c = open();
                    for (int key : keys) {
                        lock(c, key);
                    }
                    LOG.info("Liveness session re-established");
                } catch (SQLException e) {
                    LOG.debugf("Liveness session still down: %s", e.getMessage());
                    drop();
                }
            }
        }
    }

    synchronized void onStop(@Observes ShutdownEvent e) {
        stopped = true;
        keys.clear();
        drop();
    }
}
