package io.kubestead.engine;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kubestead.common.KubesteadConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** This server's release engine. Several servers on one database each run one; they share the releases. */
@ApplicationScoped
public class Engine {

    private static final Logger LOG = Logger.getLogger(Engine.class);

    @Inject
    Reconciler reconciler;

    @Inject
    KubesteadConfig config;

    @Inject
    Clock clock;

    @Inject
    io.kubestead.common.Liveness liveness;

    private volatile EngineRunner runner;

    void onStart(@Observes StartupEvent e) {
        if (config.engine().enabled()) {
            runner = newRunner(hostname() + "-" + UUID.randomUUID().toString().substring(0, 6));
            runner.start();
            LOG.infof("Release engine %s started with %d workers", runner.id(), config.engine().threads());
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        stop();
    }

    /** A new engine on this database (tests start several to check they never act on one release together). */
    public EngineRunner newRunner(String id) {
        return new EngineRunner(id, reconciler, liveness, config.engine().threads(), config.engine().abortThreads(), clock,
                config.engine().idleWait());
    }

    public void stop() {
        EngineRunner r = runner;
        if (r != null) {
            r.stop();
        }
    }

    public void start() {
        EngineRunner r = runner;
        if (r == null) {
            runner = r = newRunner(hostname() + "-" + UUID.randomUUID().toString().substring(0, 6));
        }
        r.start();
    }

    /** Every committed release change may have made something due now. */
    void onChange(@Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS) io.kubestead.release.ReleaseChanged c) {
        wake();
    }

    public long wakeups() {
        EngineRunner r = runner;
        return r == null ? 0 : r.wakeups();
    }

    public void wake() {
        EngineRunner r = runner;
        if (r != null) {
            r.wake();
        }
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "kubestead" : h;
    }
}
