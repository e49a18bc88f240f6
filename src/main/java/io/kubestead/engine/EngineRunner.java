package io.kubestead.engine;

import java.time.Clock;
import java.time.Duration;

import io.kubestead.common.WorkLoop;

/**
 * One engine on the database: step workers that advance due releases, and an abort lane of its own that only
 * carries out requested aborts (so that no slow step can keep an abort waiting). While it runs it holds a liveness
 * key; stopping it (or its process dying) frees the releases it had claimed.
 */
public final class EngineRunner {

    private final String id;
    private final io.kubestead.common.Liveness liveness;
    private final WorkLoop steps;
    private final WorkLoop aborts;
    private volatile int key;

    EngineRunner(String id, Reconciler reconciler, io.kubestead.common.Liveness liveness, int threads, int abortThreads, Clock clock,
            Duration idleWait) {
        this.id = id;
        this.liveness = liveness;
        this.steps = new WorkLoop("engine-" + id, threads, () -> reconciler.advanceNextDue(id, key), reconciler::nextDue,
                clock, idleWait);
        this.aborts = new WorkLoop("engine-" + id + "-abort", abortThreads, () -> reconciler.abortNextRequested(id, key),
                reconciler::nextAbortDue, clock, idleWait);
    }

    public String id() {
        return id;
    }

    public synchronized void start() {
        if (key == 0) {
            key = liveness.register();
        }
        aborts.start();
        steps.start();
    }

    /** Stops taking work; moves under way finish. Its claims are free afterwards. */
    public synchronized void stop() {
        steps.stop();
        aborts.stop();
        if (key != 0) {
            liveness.release(key);
            key = 0;
        }
    }

    public void wake() {
        aborts.wake();
        steps.wake();
    }

    public long wakeups() {
        return steps.wakeups();
    }
}
