package io.kubestead.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubestead.common.Actors;
import io.kubestead.common.Durations;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Lease;
import io.kubestead.common.Names;
import io.kubestead.common.Timestamps;
import io.kubestead.kube.ClusterException;
import io.kubestead.kube.GatewayApiRouter;
import io.kubestead.kube.HookJobs;
import io.kubestead.kube.KubeNames;
import io.kubestead.kube.ReleaseTarget;
import io.kubestead.kube.ReplicaRouter;
import io.kubestead.kube.TrafficRouter;
import io.kubestead.kube.Workloads;
import io.kubestead.rollout.Release;
import io.kubestead.rollout.ReleaseService;
import io.kubestead.rollout.ReleaseState;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.RolloutSpec.FailureAction;
import io.kubestead.rollout.spec.RolloutSpecParser;
import io.kubestead.rollout.spec.Step;
import io.kubestead.rollout.spec.TrafficRouting;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;

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
 * Lock order, wherever both are taken: the release's row, then its pipeline's, then the backfill's.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** Due time of a requested abort: before everything else in the queue. */
    public static final Instant FIRST = Instant.EPOCH;
    /** The suffix of an abort lane's name in claimed_by. */
    static final String ABORT_LANE = "/abort";

    @Inject
    EntityManager em;

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

    Timer lag;
    Timer abortLatency;
    io.micrometer.core.instrument.Counter discards;

    @jakarta.annotation.PostConstruct
    void meters() {
        lag = Timer.builder("kubestead.engine.lag").description("From a release move becoming due to the engine making it")
                .publishPercentiles(0.5, 0.99).register(registry);
        abortLatency = Timer.builder("kubestead.abort.latency")
                .description("From an abort request to the canary's weight 0 written to the cluster")
                .publishPercentiles(0.5, 0.99).register(registry);
        discards = io.micrometer.core.instrument.Counter.builder("kubestead.engine.discarded")
                .description("Moves whose result was discarded because the release changed meanwhile").register(registry);
    }

    /** A committed claim on one release: who holds it, at which fencing version, and the copy to work on. */
    record Claim(long id, long version, String by, Instant due, Release work) {
    }

    /** The earliest time a step runner may find work (an in-flight move's release counts from its lease's end). */
    public Instant nextDue() {
        return nextDue(false);
    }

    /** The same for the abort lane. */
    public Instant nextAbortDue() {
        return nextDue(true);
    }

    private Instant nextDue(boolean aborts) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object v = em.createNativeQuery("select min(" + Lease.AFTER_LEASE.formatted("due_at")
                    + ") from release where due_at is not null and requested_action is "
                    + (aborts ? "not null" : "null")).setParameter("now", clock.instant()).getSingleResult();
            return v == null ? null : Timestamps.instant(v);
        });
    }

    /** Claims one due release and advances it. Returns false when nothing is due. */
    public boolean advanceNextDue(String engineId, int key) {
        return take(engineId, key, false);
    }

    /** Claims one release with a requested abort and carries it out. Returns false when none waits. */
    public boolean abortNextRequested(String engineId, int key) {
        return take(engineId + ABORT_LANE, key, true);
    }

    private boolean take(String runner, int key, boolean abortLane) {
        Claim claim = claim(runner, key, abortLane);
        if (claim == null) {
            return false;
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
            String engineId = claim.by().endsWith(ABORT_LANE)
                    ? claim.by().substring(0, claim.by().length() - ABORT_LANE.length()) : claim.by();
            move = new Move(services(), work, engineId, clock.instant(), spec, target(spec, work));
            move.run();
            if (!commit(claim, move)) {
                discarded(claim, move);
            }
        } catch (RuntimeException e) {
            recordError(claim, e);
        } finally {
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
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            // free: never claimed, its lease over, or its runner dead (its liveness lock gone with its session)
            String free = Lease.FREE;
            String which = abortLane
                    ? "requested_action = 'abort' and due_at <= :now and (claimed_by not like '%" + ABORT_LANE + "' or " + free + ")"
                    : "requested_action is null and due_at <= :now and " + (recover ? free : "claimed_by is null");
            Map<String, Object> params = new HashMap<>();
            params.put("now", now);
            if (only != null) {
                which += " and id = :only";
                params.put("only", only);
            }
            Release r = Lease.claimNext(em, Release.class, "release", "id", which, "due_at", params, runner, key,
                    now.plus(config.engine().lease()));
            if (r == null) {
                return null;
            }
            if (r.dueAt.isAfter(FIRST)) {
                // PostgreSQL keeps microseconds: a due time rounded up may sit a few nanoseconds past now
                lag.record(r.dueAt.isAfter(now) ? Duration.ZERO : Duration.between(r.dueAt, now));
            }
            return new Claim(r.id, r.lockVersion, runner, r.dueAt, r.workingCopy());
        });
    }

    /** Writes the move's result and events if the claim still holds; false when it no longer does. */
    private boolean commit(Claim claim, Move move) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Release managed = em.find(Release.class, claim.id(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (managed == null || managed.lockVersion != claim.version()) {
                return false;
            }
            // the cluster watch may have made the release due meanwhile (a Job finished): that wins over a later time
            Instant nudged = java.util.Objects.equals(managed.dueAt, claim.due()) ? null : managed.dueAt;
            managed.takeProgressOf(move.r);
            if (nudged != null && managed.dueAt != null && nudged.isBefore(managed.dueAt)) {
                managed.dueAt = nudged;
            }
            managed.lease = null;
            for (java.util.function.Consumer<Release> write : move.writes) {
                write.accept(managed);
            }
            for (io.kubestead.rollout.ReleaseEvent e : move.events) {
                history.store(e);
            }
            return true;
        });
    }

    /**
     * The release changed while the move ran: its result is dropped. If the move wrote traffic and the release has
     * since been aborted (or is being), weight 0 is written again, after this move's own write: an abort carried
     * out meanwhile must not be undone by a slower step.
     */
    private void discarded(Claim claim, Move move) {
        discards.increment();
        Release now = QuarkusTransaction.requiringNew().call(() -> {
            Lease.drop(em, "release", "id", claim.id(), claim.by());
            Release r = em.find(Release.class, claim.id());
            return r == null ? null : r.workingCopy();
        });
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
        QuarkusTransaction.requiringNew().run(() -> {
            Release r = em.find(Release.class, claim.id(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            if (r == null || r.lockVersion != claim.version()) {
                // changed meanwhile: whoever acts next sees the new state
                return;
            }
            r.lease = null;
            r.errorCount++;
            boolean newMessage = !message.equals(r.lastError);
            r.lastError = message.length() > 2000 ? message.substring(0, 2000) : message;
            if (r.requestedAction == null) {
                r.dueAt = clock.instant().plusMillis(Math.min(30_000, 250L << Math.min(r.errorCount, 7)));
            } else {
                // an abort that fails (the API server down) is retried soon, but never in a tight loop
                r.dueAt = clock.instant().plusMillis(abortBackoffMillis(r.errorCount, java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
            }
            if (newMessage) {
                // logged and recorded once per change of the error, not once per attempt
                LOG.warnf("Release %d: %s failed, will retry: %s", claim.id(), r.requestedAction == null ? "move" : "abort", message);
                history.note(r, "EngineError", Actors.SYSTEM, "retrying: " + r.lastError, Map.of("engine", claim.by()));
            } else {
                LOG.debugf("Release %d: still failing (%d): %s", claim.id(), r.errorCount, message);
            }
        });
    }

    /** Exponential from 50 ms, capped at 5 s, with jitter (half to all of it) so that replicas do not retry in step. */
    static long abortBackoffMillis(int errors, double random) {
        long full = Math.min(5_000, 50L << Math.min(Math.max(errors, 1) - 1, 10));
        return Math.max(1, (long) (full * (0.5 + 0.5 * random)));
    }

    private Move.Services services;

    /** What a move works with: the release's history, its pipeline, the cluster, the analysis module. */
    Move.Services services() {
        if (services == null) {
            services = new Move.Services(history, preparation, templates, pods, namespaces, hooks, workloads, replicaRouter,
                    gatewayRouter, analysis, config.engine(), clock, abortLatency);
        }
        return services;
    }

    ReleaseTarget target(RolloutSpec spec, Release r) {
        String namespace = rollouts.namespaceOf(spec);
        String deployment = spec.target() != null && spec.target().deployment() != null ? spec.target().deployment()
                : spec.name();
        TrafficRouting routing = spec.trafficRouting() == null ? new TrafficRouting.Replicas() : spec.trafficRouting();
        return new ReleaseTarget(r.rolloutName, r.id, namespace, deployment, routing, r.image);
    }

}
