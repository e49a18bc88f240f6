package io.kubestead.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Worker threads that do units of work until there are none, then sleep until woken, until the next due time,
 * or for the idle wait (to see work that other servers made due), whichever comes first.
 */
public final class WorkLoop {

    private static final Logger LOG = Logger.getLogger(WorkLoop.class);

    private final String id;
    private final int threads;
    private final BooleanSupplier step;
    private final Supplier<Instant> nextDue;
    private final Clock clock;
    private final Duration idleWait;
    private final Object signal = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private long wakeups;
    private volatile boolean running;

    /**
     * @param step does one unit of work; false when there was none
     * @param nextDue the earliest time work will be due, or null
     */
    public WorkLoop(String id, int threads, BooleanSupplier step, Supplier<Instant> nextDue, Clock clock, Duration idleWait) {
        this.id = id;
        this.threads = threads;
        this.step = step;
        this.nextDue = nextDue;
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
            Thread t = new Thread(this::work, id + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Stops taking new work; the unit under way finishes (or, if the process dies, is rolled back). */
    public synchronized void stop() {
        running = false;
        wake();
        for (Thread t : workers) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }

    public boolean running() {
        return running;
    }

    /** How often the loop has been woken (the engine's own changes, the cluster, other replicas). */
    public long wakeups() {
        synchronized (signal) {
            return wakeups;
        }
    }

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
            long waitMs = idleWait.toMillis();
            try {
                if (step.getAsBoolean()) {
                    continue;
                }
                Instant next = nextDue.get();
                if (next != null) {
                    waitMs = Math.max(1, Math.min(waitMs, Duration.between(clock.instant(), next).toMillis()));
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: could not take work; retrying", id);
            }
            synchronized (signal) {
                if (wakeups == seen && running) {
                    try {
                        signal.wait(waitMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
