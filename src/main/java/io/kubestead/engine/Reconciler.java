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
            move = new Move(claim);
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

    /**
     * One move of one release, on a working copy with no transaction open: what it decides (the release's new
     * state, its events, the analysis evidence, a pipeline's bookkeeping) is collected and written by
     * {@link #commit} if the claim still holds.
     */
    final class Move {
        final Release r;
        final String engineId;
        final Instant now;
        final RolloutSpec spec;
        final ReleaseTarget target;
        final List<io.kubestead.rollout.ReleaseEvent> events = new java.util.ArrayList<>();
        final List<java.util.function.Consumer<Release>> writes = new java.util.ArrayList<>();
        /** Whether this move wrote the canary's weight or the stable Deployment. */
        boolean touchedTraffic;

        Move(Claim claim) {
            this.r = claim.work();
            this.engineId = claim.by().endsWith(ABORT_LANE) ? claim.by().substring(0, claim.by().length() - ABORT_LANE.length())
                    : claim.by();
            this.now = clock.instant();
            this.spec = rollouts.spec(r.rolloutName, r.revision);
            this.target = target(spec, r);
        }

        private void note(String type, String actor, String reason, Map<String, Object> details) {
            events.add(history.remark(r, type, actor, reason, details));
        }

        private void atCommit(Runnable write) {
            writes.add(managed -> write.run());
        }

        void run() {
            r.dueAt = null;
            try {
                if ("abort".equals(r.requestedAction)) {
                    abort();
                    return;
                }
                switch (r.state) {
                    case Pending -> start();
                    case RunningHooks -> runHook();
                    case Progressing -> progress();
                    case Paused -> pauseElapsed();
                    default -> {
                        // finished: nothing to do
                    }
                }
                background();
            } catch (ClusterException e) {
                fail(e.getMessage());
            }
            r.errorCount = 0;
            r.lastError = null;
        }

        private void start() {
            ReleasePreparation.Phase phase = ReleasePreparation.Phase.of(r);
            ReleasePreparation.Prepared prepared = phase == null || r.schemaDone ? null : preparation.prepare(phase);
            if (prepared != null && !prepared.ok()) {
                Map<String, Object> d = details();
                d.putAll(prepared.details());
                record("PreparationFailed", ReleaseState.Aborted, Actors.SYSTEM, prepared.reason()
                        + "; no hook ran, no canary was created and no traffic moved", d);
                return;
            }
            if (prepared != null) {
                r.schemaDone = true;
                if (prepared.atCommit() != null) {
                    atCommit(prepared.atCommit());
                }
            }
            if (prepared != null && !prepared.details().isEmpty()) {
                Map<String, Object> d = details();
                d.putAll(prepared.details());
                note("SchemaChanged", Actors.SYSTEM, (String) prepared.details().get("schema"), d);
            }
            if (spec.preDeployHooks().isEmpty()) {
                enterSteps("Started", "no hooks: canary steps begin");
            } else {
                r.hookIndex = 0;
                r.stepData = null;
                record("HooksStarted", ReleaseState.RunningHooks, Actors.SYSTEM, null, details());
                r.dueAt = now;
            }
        }

        private void enterSteps(String type, String reason) {
            r.currentStep = 0;
            r.stage = Release.STAGE_STEP;
            r.stepStartedAt = now;
            r.stepData = null;
            record(type, ReleaseState.Progressing, Actors.SYSTEM, reason, details());
            r.dueAt = now;
        }

        private void runHook() {
            if (r.hookIndex >= spec.preDeployHooks().size()) {
                enterSteps("HooksCompleted", "all hooks done: canary steps begin");
                return;
            }
            RolloutSpec.Hook hook = spec.preDeployHooks().get(r.hookIndex);
            String jobName = KubeNames.hookJob(r.rolloutName, r.id, hook.name(), r.attempt);
            Map<String, Object> manifest = templates.document(TemplateKind.JOB, hook.jobTemplate()).orElse(null);
            if (manifest == null) {
                fail("hook " + Names.quote(hook.name()) + ": job template " + Names.quote(hook.jobTemplate())
                        + " does not exist");
                return;
            }
            // checked again here: a template stored before the policy (or a rollout moved since) must not run
            boolean notCreatedYet = r.stepData == null || !jobName.equals(r.stepData.get("job"));
            String refused = notCreatedYet ? pods.refusal(manifest) : null;
            if (refused == null && notCreatedYet && !namespaces.allowed(target.namespace())) {
                refused = "namespace " + Names.quote(target.namespace()) + " is not one Kubestead may act in";
            }
            if (refused != null) {
                fail("hook " + Names.quote(hook.name()) + ": " + refused);
                return;
            }
            Map<String, String> labels = Map.of(KubeNames.LABEL_ROLLOUT, r.rolloutName,
                    KubeNames.LABEL_RELEASE, String.valueOf(r.id), KubeNames.LABEL_HOOK, hook.name());
            Job job = hooks.ensure(target.namespace(), jobName, labels, manifest);
            if (r.stepData == null || !jobName.equals(r.stepData.get("job"))) {
                Map<String, Object> data = new HashMap<>();
                data.put("job", jobName);
                data.put("startedAt", now.toString());
                r.stepData = data;
                Map<String, Object> d = details();
                d.put("hook", hook.name());
                d.put("job", target.namespace() + "/" + jobName);
                note("HookStarted", Actors.SYSTEM, null, d);
            }
            HookJobs.Outcome outcome = HookJobs.outcome(job);
            String deadlineReason = null;
            if (outcome == HookJobs.Outcome.RUNNING) {
                Duration deadline = deadline(manifest);
                Instant started = Instant.parse((String) r.stepData.get("startedAt"));
                if (!now.isBefore(started.plus(deadline))) {
                    outcome = HookJobs.Outcome.FAILED;
                    deadlineReason = "did not finish within its deadline of " + Durations.format(deadline);
                } else {
                    r.dueAt = min(now.plus(config.engine().pollInterval()), started.plus(deadline));
                    return;
                }
            }
            Map<String, Object> d = details();
            d.put("hook", hook.name());
            d.put("job", target.namespace() + "/" + jobName);
            d.put("status", HookJobs.status(job));
            String log = hooks.logTail(target.namespace(), jobName, config.engine().logTailLines());
            if (!log.isEmpty()) {
                d.put("logTail", log.length() > 8000 ? log.substring(log.length() - 8000) : log);
            }
            if (outcome == HookJobs.Outcome.SUCCEEDED) {
                note("HookSucceeded", Actors.SYSTEM, null, d);
                nextHook();
                return;
            }
            String why = "hook " + Names.quote(hook.name()) + " (Job " + jobName + ") "
                    + (deadlineReason != null ? deadlineReason : "failed");
            if (hook.failureAction() == FailureAction.ABORT) {
                d.put("failureAction", "abort");
                r.stepData = null;
                record("HookFailed", ReleaseState.Aborted, Actors.SYSTEM,
                        why + "; failureAction abort: no canary was created and no traffic moved", d);
                return;
            }
            d.put("failureAction", "continue");
            d.put("warning", true);
            note("HookFailed", Actors.SYSTEM, why + "; failureAction continue: going on", d);
            nextHook();
        }

        private Duration deadline(Map<String, Object> manifest) {
            Object spec = manifest.get("spec");
            if (spec instanceof Map<?, ?> m && m.get("activeDeadlineSeconds") instanceof Number n && n.longValue() > 0) {
                // a little grace beyond the Job's own deadline, so that Kubernetes reports the failure itself
                return Duration.ofSeconds(n.longValue()).plusSeconds(30);
            }
            return config.engine().hookDeadline();
        }

        private void nextHook() {
            r.hookIndex++;
            r.stepData = null;
            r.dueAt = now;
        }

        private void progress() {
            switch (r.stage) {
                case Release.STAGE_PROMOTE -> {
                    touchedTraffic = true;
                    workloads.setStableImage(target);
                    r.stage = Release.STAGE_STABLE_ROLLOUT;
                    Map<String, Object> d = details();
                    d.put("deployment", target.toString());
                    d.put("image", r.image);
                    note("StableUpdated", Actors.SYSTEM, "stable Deployment set to the release image", d);
                    r.dueAt = now;
                }
                case Release.STAGE_STABLE_ROLLOUT -> {
                    if (workloads.stableRolledOut(target)) {
                        r.stage = Release.STAGE_CLEANUP;
                        r.dueAt = now;
                    } else {
                        r.dueAt = now.plus(config.engine().pollInterval());
                    }
                }
                case Release.STAGE_CLEANUP -> {
                    touchedTraffic = true;
                    router().finish(target);
                    r.weight = 0;
                    r.stage = Release.STAGE_STEP;
                    record("Promoted", ReleaseState.Promoted, Actors.SYSTEM,
                            "stable runs " + r.image + "; canary removed, all traffic on stable", details());
                }
                default -> runStep();
            }
        }

        private void runStep() {
            if (r.currentStep >= spec.canarySteps().size()) {
                r.stage = Release.STAGE_PROMOTE;
                r.dueAt = now;
                return;
            }
            Step step = spec.canarySteps().get(r.currentStep);
            if (step instanceof Step.SetWeight w) {
                touchedTraffic = true;
                if (router().apply(target, w.weight())) {
                    r.weight = w.weight();
                    completeStep(Map.of("weight", w.weight()));
                } else {
                    r.dueAt = now.plus(config.engine().pollInterval());
                }
            } else if (step instanceof Step.Pause p) {
                r.pauseKind = "step";
                if (p.duration() == null) {
                    record("Paused", ReleaseState.Paused, Actors.SYSTEM,
                            "pause step: waiting for a person to resume or promote", details());
                } else {
                    Instant until = now.plus(p.duration());
                    r.stepData = new HashMap<>(Map.of("until", until.toString()));
                    Map<String, Object> d = details();
                    d.put("until", until.toString());
                    record("Paused", ReleaseState.Paused, Actors.SYSTEM, "pause step of " + Durations.format(p.duration()), d);
                    r.dueAt = until;
                }
            } else if (step instanceof Step.Analysis a) {
                analyse(a);
            }
        }

        private void analyse(Step.Analysis a) {
            AnalysisGate.Verdict v = analysis.evaluate(new AnalysisGate.Request(r.id, r.attempt, r.currentStep, false,
                    r.rolloutName, r.version, a, target, r.stepStartedAt), this::atCommit);
            if (v instanceof AnalysisGate.Passed passed) {
                Map<String, Object> d = new HashMap<>(passed.details());
                d.put("template", a.template());
                completeStep(d);
            } else if (v instanceof AnalysisGate.Running running) {
                r.dueAt = running.next();
            } else {
                stopOn(v, false);
            }
        }

        /** Rollout-level analysis: measures across steps from startingStep on, and aborts whenever it fails. */
        private void background() {
            RolloutSpec.BackgroundAnalysis bg = spec.analysis();
            boolean applies = bg != null && (r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused)
                    && Release.STAGE_STEP.equals(r.stage) && r.currentStep >= bg.startingStep() && r.requestedAction == null;
            if (!applies) {
                return;
            }
            for (int i = 0; i < bg.templates().size(); i++) {
                AnalysisGate.Verdict v = analysis.evaluate(new AnalysisGate.Request(r.id, r.attempt, i, true, r.rolloutName,
                        r.version, new Step.Analysis(bg.templates().get(i), bg.args()), target, r.stepStartedAt), this::atCommit);
                if (v instanceof AnalysisGate.Running running) {
                    r.dueAt = r.dueAt == null ? running.next() : min(r.dueAt, running.next());
                } else if (stopOn(v, true)) {
                    return;
                }
            }
        }

        /**
         * What a failed, inconclusive or broken analysis does to the release: failed → canary weight 0, then
         * Aborted; inconclusive → Paused for a person; broken → Failed. True when it did one of these.
         */
        private boolean stopOn(AnalysisGate.Verdict v, boolean background) {
            Map<String, Object> d = details();
            if (background) {
                d.put("background", true);
            }
            if (v instanceof AnalysisGate.Failed failed) {
                d.putAll(failed.details());
                zeroThen("AnalysisFailed", ReleaseState.Aborted, Actors.SYSTEM, failed.reason(), d);
            } else if (v instanceof AnalysisGate.Inconclusive inc && r.state == ReleaseState.Progressing) {
                // a step's inconclusive gate is passed by resume; a background one only stops the release
                r.pauseKind = background ? "manual" : "analysis";
                d.putAll(inc.details());
                record("AnalysisInconclusive", ReleaseState.Paused, Actors.SYSTEM, inc.reason(), d);
            } else if (v instanceof AnalysisGate.Broken broken) {
                fail(broken.reason());
            } else {
                return false;
            }
            r.dueAt = null;
            return true;
        }

        private void pauseElapsed() {
            if (!"step".equals(r.pauseKind) || r.stepData == null || r.stepData.get("until") == null) {
                return;
            }
            Instant until = Instant.parse((String) r.stepData.get("until"));
            if (now.isBefore(until)) {
                r.dueAt = until;
                return;
            }
            r.pauseKind = null;
            record("Resumed", ReleaseState.Progressing, Actors.SYSTEM, "pause elapsed", details());
            completeStep(Map.of());
        }

        void completeStep(Map<String, Object> extra) {
            Step step = spec.canarySteps().get(r.currentStep);
            Map<String, Object> d = details();
            d.put("step", r.currentStep);
            d.put("kind", step.kind());
            d.put("spec", RolloutSpecParser.stepDocument(step));
            d.putAll(extra);
            note("StepCompleted", Actors.SYSTEM, null, d);
            r.currentStep++;
            r.stepStartedAt = now;
            r.stepData = null;
            r.dueAt = now;
        }

        private void abort() {
            String actor = r.requestedBy;
            String reason = r.requestedReason;
            Instant requestedAt = r.requestedAt;
            clearRequest();
            Map<String, Object> d = details();
            boolean canaryStarted = r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused;
            if (canaryStarted) {
                touchedTraffic = true;
                router().zero(target);
                if (requestedAt != null) {
                    abortLatency.record(Duration.between(requestedAt, clock.instant()));
                }
                d.put("weightBefore", r.weight);
            } else if (r.state == ReleaseState.RunningHooks && r.stepData != null) {
                d.put("hookJobLeftRunning", r.stepData.get("job"));
            }
            r.weight = 0;
            r.stepData = null;
            r.pauseKind = null;
            record("Aborted", ReleaseState.Aborted, actor, reason, d);
        }

        private void clearRequest() {
            r.requestedAction = null;
            r.requestedBy = null;
            r.requestedReason = null;
            r.requestedAt = null;
        }

        /** The release cannot go on: canary traffic to 0 (when a canary may exist), then Failed. */
        private void fail(String reason) {
            if (r.state == ReleaseState.Progressing || r.state == ReleaseState.Paused) {
                try {
                    touchedTraffic = true;
                    router().zero(target);
                    r.weight = 0;
                } catch (RuntimeException e) {
                    reason = reason + "; setting canary weight 0 failed too: " + e.getMessage();
                }
            }
            r.stepData = null;
            r.pauseKind = null;
            record("Failed", ReleaseState.Failed, Actors.SYSTEM, reason, details());
        }

        private void zeroThen(String type, ReleaseState to, String actor, String reason, Map<String, Object> d) {
            touchedTraffic = true;
            router().zero(target);
            d.put("weightBefore", r.weight);
            r.weight = 0;
            r.stepData = null;
            r.pauseKind = null;
            record(type, to, actor, reason, d);
        }

        private void record(String type, ReleaseState to, String actor, String reason, Map<String, Object> details) {
            io.kubestead.rollout.ReleaseEvent e = history.transition(r, type, to, actor, reason, details);
            events.add(e);
            ReleasePreparation.Phase phase = ReleasePreparation.Phase.of(r);
            if (!to.active() && phase != null) {
                // the pipeline's bookkeeping of a finished phase, in the commit (after the release's row lock)
                writes.add(managed -> {
                    Map<String, Object> more = preparation.finished(phase, to);
                    if (!more.isEmpty()) {
                        Map<String, Object> d = e.details == null ? new LinkedHashMap<>() : new LinkedHashMap<>(e.details);
                        d.putAll(more);
                        e.details = d;
                    }
                });
            }
        }

        Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("engine", engineId);
            d.put("attempt", r.attempt);
            return d;
        }

        TrafficRouter router() {
            return target.routing() instanceof TrafficRouting.GatewayApi ? gatewayRouter : replicaRouter;
        }
    }

    ReleaseTarget target(RolloutSpec spec, Release r) {
        String namespace = rollouts.namespaceOf(spec);
        String deployment = spec.target() != null && spec.target().deployment() != null ? spec.target().deployment()
                : spec.name();
        TrafficRouting routing = spec.trafficRouting() == null ? new TrafficRouting.Replicas() : spec.trafficRouting();
        return new ReleaseTarget(r.rolloutName, r.id, namespace, deployment, routing, r.image);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
