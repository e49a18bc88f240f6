package io.kubestead.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.agroal.api.AgroalDataSource;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.release.ReleaseChanged;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Replicas tell each other at once that a release changed: after a change commits, this replica sends
 * {@code NOTIFY kubestead_release} (bursts coalesced into one), and every other replica's listener wakes its
 * engine. The engine's idle poll stays as the fallback when the database connection is lost.
 */
@ApplicationScoped
public class ReplicaSignals {

    static final String CHANNEL = "kubestead_release";
    private static final Logger LOG = Logger.getLogger(ReplicaSignals.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Engine engine;

    @Inject
    KubesteadConfig config;

    private final String replica = UUID.randomUUID().toString();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running;
    private Thread sender;
    private Thread listener;

    void onStart(@Observes StartupEvent e) {
        if (!config.engine().enabled()) {
            return;
        }
        running = true;
        sender = daemon("kubestead-notify", this::send);
        listener = daemon("kubestead-listen", this::listen);
    }

    void onStop(@Observes ShutdownEvent e) {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
        if (listener != null) {
            listener.interrupt();
        }
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReleaseChanged c) {
        if (running && !pending.getAndSet(true)) {
            LockSupport.unpark(sender);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** This replica's name on the channel: its own notifications are not news to it. */
    public String replica() {
        return replica;
    }

    /** How many other replicas' notifications this one has acted on. */
    public long received() {
        return received.get();
    }

    private void send() {
        while (running) {
            if (!pending.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select pg_notify(?, ?)")) {
                s.setString(1, CHANNEL);
                s.setString(2, replica);
                s.execute();
            } catch (SQLException ex) {
                LOG.debugf("Could not notify other replicas: %s", ex.getMessage());
            }
        }
    }

    private void listen() {
        long backoffMs = 100;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoffMs = 100;
                while (running) {
                    PGNotification[] notes = pg.getNotifications(500);
                    boolean other = false;
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            other |= !replica.equals(n.getParameter());
                        }
                    }
                    if (other) {
                        received.incrementAndGet();
                        engine.wake();
                    }
                }
            } catch (SQLException ex) {
                if (!running) {
                    return;
                }
                LOG.warnf("Listening for other replicas failed (%s); the engine polls meanwhile", ex.getMessage());
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoffMs));
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }
}
