package io.kubestead.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * Worker threads that advance due releases until there are none, then sleep until woken, until the next due
 * time, or for the idle wait (to see work of other replicas), whichever comes first.
 */
public final class EngineRunner {

    private static final Logger LOG = Logger.getLogger(EngineRunner.class);

    private final String id;
    private final int threads;
    private final Reconciler reconciler;
    private final Clock clock;
    private final Duration idleWait;
    private final Object signal = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private long wakeups;
    private volatile boolean running;

    public EngineRunner(String id, int threads, Reconciler reconciler, Clock clock, Duration idleWait) {
        this.id = id;
        this.threads = threads;
        this.reconciler = reconciler;
        this.clock = clock;
        this.idleWait = idleWait;
    }

    public String id() {
        return id;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, "engine-" + id + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Stops taking new work; a move under way finishes (or, if the process dies, is rolled back). */
    public synchronized void stop() {
        running = false;
        wake();
        for (Thread t : workers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }

    public boolean running() {
        return running;
    }

    /** Something became due now (an action, a new release): look at once. */
    public void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
    }

    private void work() {
        while (running) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            try {
                if (reconciler.advanceNextDue(id)) {
                    continue;
                }
                long waitMs = idleWait.toMillis();
                Instant next = reconciler.nextDue();
                if (next != null) {
                    waitMs = Math.max(1, Math.min(waitMs, Duration.between(clock.instant(), next).toMillis()));
                }
                synchronized (signal) {
                    if (wakeups == seen && running) {
                        signal.wait(waitMs);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Engine %s: could not claim work; retrying", id);
                synchronized (signal) {
                    try {
                        signal.wait(idleWait.toMillis());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
