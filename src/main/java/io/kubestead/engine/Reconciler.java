package io.kubestead.engine;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kubestead.common.KubesteadConfig;
import io.kubestead.kube.GatewayApiRouter;
import io.kubestead.kube.HookJobs;
import io.kubestead.kube.ReleaseTarget;
import io.kubestead.kube.ReplicaRouter;
import io.kubestead.kube.TrafficRouter;
import io.kubestead.kube.Workloads;
import io.kubestead.release.Claim;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseLeases;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.TrafficRouting;
import io.kubestead.template.TemplateService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Advances releases one move at a time over persisted state, never holding a transaction while it calls the
 * cluster, a metric provider or a target database:
 * <ol>
 * <li><b>claim</b> (a short transaction): a due release not claimed by a live runner is taken with
 * {@code FOR UPDATE SKIP LOCKED} and given a committed lease ({@code claimed_by}, {@code lease_until}); the claim
 * raises {@code lock_version}, the fencing version;</li>
 * <li><b>move</b> (no transaction): the move runs on a working copy of the release, makes its remote calls and
 * collects the events and writes it wants;</li>
 * <li><b>commit</b> (a short transaction): under the release's row lock, the move's result and its events are
 * written only if {@code lock_version} is still the claimed one. Any other change in between (an abort, a pause,
 * another runner whose claim outlived this one's) raised it, and then the result is discarded: the next owner
 * acts on what is stored.</li>
 * </ol>
 * Aborts have a lane of their own ({@link #abortNextRequested}) that no slow move can occupy: it takes a release
 * with a requested abort even while a step runner holds it, which discards that runner's result. Every Kubernetes
 * action is idempotent, so a move cut short by a crash, or discarded, is simply made again.
 * <p>
 * Lock order, wherever both are taken: the release's row, then its pipeline's, then the backfill's. The release
 * feature ({@link ReleaseLeases}, {@link ReleaseService}) writes the release table; the engine works on copies.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    @Inject
    ReleaseLeases leases;

    @Inject
    java.time.Clock clock;

    @Inject
    ReleaseService history;

    @Inject
    RolloutService rollouts;

    @Inject
    TemplateService templates;

    @Inject
    io.kubestead.template.PodPolicy pods;

    @Inject
    io.kubestead.kube.NamespacePolicy namespaces;

    @Inject
    HookJobs hooks;

    @Inject
    Workloads workloads;

    @Inject
    ReplicaRouter replicaRouter;

    @Inject
    GatewayApiRouter gatewayRouter;

    @Inject
    AnalysisGate analysis;

    @Inject
    ReleasePreparation preparation;

    @Inject
    KubesteadConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    io.kubestead.approval.ApprovalService approvals;

    Timer lag;
    Timer abortLatency;
    io.micrometer.core.instrument.Counter discards;
    /** What a move works with: the release's history, its pipeline, the cluster, the analysis module. */
    Move.Services services;

    @jakarta.annotation.PostConstruct
    void meters() {
        lag = Timer.builder("kubestead.engine.lag").description("From a release move becoming due to the engine making it")
                .publishPercentiles(0.5, 0.99).register(registry);
        abortLatency = Timer.builder("kubestead.abort.latency")
                .description("From an abort request to the canary's weight 0 written to the cluster")
                .publishPercentiles(0.5, 0.99).register(registry);
        discards = io.micrometer.core.instrument.Counter.builder("kubestead.engine.discarded")
                .description("Moves whose result was discarded because the release changed meanwhile").register(registry);
        services = new Move.Services(history, preparation, templates, pods, namespaces, hooks, workloads, replicaRouter,
                gatewayRouter, analysis, approvals, config.engine(), clock, abortLatency);
    }

    /** The earliest time a step runner may find work (an in-flight move's release counts from its lease's end). */
    public Instant nextDue() {
        return leases.nextDue(false);
    }

    /** The same for the abort lane. */
    public Instant nextAbortDue() {
        return leases.nextDue(true);
    }

    /** Claims one due release and advances it. Returns false when nothing is due. */
    public boolean advanceNextDue(String engineId, int key) {
        return take(engineId, key, false);
    }

    /** Claims one release with a requested abort and carries it out. Returns false when none waits. */
    public boolean abortNextRequested(String engineId, int key) {
        return take(engineId, key, true);
    }

    /** The worker thread of this server making a move of each release now. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Thread> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean take(String engineId, int key, boolean abortLane) {
        Claim claim = claim(abortLane ? engineId + ReleaseLeases.ABORT_LANE : engineId, key, abortLane);
        if (claim == null) {
            return false;
        }
        Thread self = Thread.currentThread();
        if (abortLane) {
            // a step of this release under way here (a metric call, say) is cancelled: its result would be dropped
            inFlight.computeIfPresent(claim.id(), (id, worker) -> {
                worker.interrupt();
                return worker;
            });
        } else {
            inFlight.put(claim.id(), self);
        }
        io.quarkus.arc.ManagedContext requests = io.quarkus.arc.Arc.container().requestContext();
        boolean activated = !requests.isActive();
        if (activated) {
            // the move reads (templates, runs, pipelines) with no transaction open
            requests.activate();
        }
        Move move = null;
        try {
            Release work = claim.work();
            RolloutSpec spec = rollouts.spec(work.rolloutName, work.revision);
            move = new Move(services, work, engineId, clock.instant(), spec, target(spec, work));
            move.run();
            if (!abortLane) {
                // a cancelled remote call has done its part; the commit below must not see the interrupt
                Thread.interrupted();
            }
            if (!commit(claim, move)) {
                discarded(claim, move);
            }
        } catch (RuntimeException e) {
            recordError(claim, e);
        } finally {
            if (!abortLane) {
                inFlight.remove(claim.id(), self);
                // a cancellation that came late must not reach this worker's next move or its wait for work
                Thread.interrupted();
            }
            if (activated) {
                requests.terminate();
            }
        }
        return true;
    }

    /** The claim, in its own short transaction; null when nothing is due. */
    Claim claim(String runner, int key, boolean abortLane) {
        return claim(runner, key, abortLane, null);
    }

    private final java.util.concurrent.atomic.AtomicLong lastRecovery = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param only one release to claim if it is due and free (tests), or null for the first due
     */
    Claim claim(String runner, int key, boolean abortLane, Long only) {
        // the fast path takes only unclaimed releases; claims of dead or silent workers are looked for when nothing
        // else is due, and at least once a second (reading pg_locks is not free)
        long t = System.nanoTime();
        long last = lastRecovery.get();
        boolean recover = abortLane || only != null || (t - last > 1_000_000_000L && lastRecovery.compareAndSet(last, t));
        Claim c = claim(runner, key, abortLane, only, recover);
        if (c == null && !recover) {
            lastRecovery.set(t);
            c = claim(runner, key, abortLane, only, true);
        }
        return c;
    }

    private Claim claim(String runner, int key, boolean abortLane, Long only, boolean recover) {
        Claim c = leases.claim(runner, key, abortLane, only, recover, config.engine().lease());
        if (c != null && c.due().isAfter(Release.DUE_FIRST)) {
            // PostgreSQL keeps microseconds: a due time rounded up may sit a few nanoseconds past now
            lag.record(c.due().isAfter(c.claimedAt()) ? Duration.ZERO : Duration.between(c.due(), c.claimedAt()));
        }
        return c;
    }

    /** Writes the move's result and events if the claim still holds; false when it no longer does. */
    private boolean commit(Claim claim, Move move) {
        return leases.commit(claim, move.r, move.writes, move.events);
    }

    /**
     * The release changed while the move ran: its result is dropped. If the move wrote traffic and the release has
     * since been aborted (or is being), weight 0 is written again, after this move's own write: an abort carried
     * out meanwhile must not be undone by a slower step.
     */
    private void discarded(Claim claim, Move move) {
        discards.increment();
        Release now = leases.drop(claim);
        LOG.debugf("Release %d changed during a move by %s; its result was discarded", claim.id(), claim.by());
        boolean stopping = now != null && (now.state == ReleaseState.Aborted || now.state == ReleaseState.Failed
                || "abort".equals(now.requestedAction));
        if (move.touchedTraffic && stopping) {
            try {
                move.router().zero(move.target);
            } catch (RuntimeException e) {
                LOG.warnf("Release %d: writing weight 0 again after a discarded move failed: %s", claim.id(), e.getMessage());
            }
        }
    }

    /** A move failed for a reason outside the release (the API server unreachable, say): try again later. */
    private void recordError(Claim claim, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        leases.failed(claim, message, errors -> Math.min(30_000, 250L << Math.min(errors, 7)),
                // an abort that fails (the API server down) is retried soon, but never in a tight loop
                errors -> abortBackoffMillis(errors, java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
    }

    /** Exponential from 50 ms, capped at 5 s, with jitter (half to all of it) so that replicas do not retry in step. */
    static long abortBackoffMillis(int errors, double random) {
        long full = Math.min(5_000, 50L << Math.min(Math.max(errors, 1) - 1, 10));
        return Math.max(1, (long) (full * (0.5 + 0.5 * random)));
    }

    ReleaseTarget target(RolloutSpec spec, Release r) {
        String namespace = rollouts.namespaceOf(spec);
        String deployment = spec.deployment();
        TrafficRouting routing = spec.trafficRouting() == null ? new TrafficRouting.Replicas() : spec.trafficRouting();
        return new ReleaseTarget(r.rolloutName, r.id, namespace, deployment, routing, r.image);
    }

}
