package io.kubestead.pipeline;

import io.kubestead.security.Caller;
import io.kubestead.security.Permission;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.kubestead.common.ApiException;
import io.kubestead.common.Durations;
import io.kubestead.common.Exceptions;
import io.kubestead.common.FieldError;
import io.kubestead.common.Names;
import io.kubestead.release.Action;
import io.kubestead.release.ReleaseActions;
import io.kubestead.engine.ReleasePreparation;
import io.kubestead.approval.Approval;
import io.kubestead.approval.ApprovalService;
import io.kubestead.approval.ApprovalView;
import io.kubestead.release.ReleaseBrief;
import io.kubestead.rollout.spec.ApprovalPolicy;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.release.ReleaseView;
import io.kubestead.rollout.RolloutService;
import io.quarkus.panache.common.Sort;

/**
 * Expand-migrate-contract pipelines: each phase is a release of the rollout whose schema work runs before its
 * hooks; the server, not a person's memory, decides when each phase may start.
 */
@ApplicationScoped
public class PipelineService implements ReleasePreparation, io.kubestead.approval.PipelineGates {

    private static final Logger LOG = Logger.getLogger(PipelineService.class);
    static final int DDL_ATTEMPTS = 5;
    static final String LOCK_TIMEOUT = "2s";

    @Inject
    Clock clock;

    @Inject
    TargetDatabases databases;

    @Inject
    RolloutService rollouts;

    @Inject
    ReleaseService releases;

    @Inject
    ApprovalService approvals;

    @Inject
    ReleaseActions actions;

    @Inject
    Backfills backfills;

    @Inject
    io.kubestead.check.Checks checks;

    @Inject
    ContractWatch watch;

    // ---- create

    /**
     * Checks the request against the target database (with no transaction open: it is a remote call), then stores
     * the pipeline and its backfill in one short transaction.
     */
    public PipelineView create(PipelineRequest req, Caller caller) {
        caller.require(Permission.CONFIGURE, rollouts.namespaceOf(req.rollout()));
        if (req.change() instanceof SchemaChange.Custom) {
            // custom SQL runs as written: for admins of the whole installation, not of one namespace
            caller.require(Permission.ADMINISTER, null);
        }
        if (Pipeline.findById(req.name()) != null) {
            throw ApiException.conflict("There is already a pipeline named " + Names.quote(req.name()) + ".");
        }
        List<FieldError> errors = new ArrayList<>();
        try {
            rollouts.get(req.rollout());
        } catch (ApiException e) {
            errors.add(new FieldError("rollout", "there is no rollout named " + Names.quote(req.rollout())));
        }
        if (!databases.exists(req.database())) {
            errors.add(new FieldError("database", "there is no target database " + Names.quote(req.database())
                    + " configured (kubestead.databases.\"" + req.database() + "\".jdbc-url); configured: " + databases.names()));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        Plan plan;
        List<Map<String, String>> key;
        try (Connection c = databases.open(req.database())) {
            String changePath = "change." + kind(req.change());
            key = BackfillBatches.primaryKey(c, req.change().table());
            if (key.isEmpty()) {
                throw ApiException.invalid(changePath + ".table", "table " + req.change().table()
                        + " has no primary key; backfills page through a table by its primary key");
            }
            String type = null;
            if (req.change() instanceof SchemaChange.RenameColumn r) {
                type = BackfillBatches.columnType(c, r.table(), r.from());
                if (type == null) {
                    throw ApiException.invalid(changePath + ".from", "table " + r.table() + " has no column " + r.from());
                }
                if (BackfillBatches.columnType(c, r.table(), r.to()) != null) {
                    throw ApiException.invalid(changePath + ".to", "table " + r.table() + " already has a column " + r.to());
                }
            } else if (req.change() instanceof SchemaChange.ChangeColumnType t
                    && BackfillBatches.columnType(c, t.table(), t.column()) == null) {
                throw ApiException.invalid(changePath + ".column", "table " + t.table() + " has no column " + t.column());
            }
            c.rollback();
            plan = Recipes.plan(req.change(), type);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42P01".equals(state) || "3F000".equals(state)) {
                throw ApiException.invalid("change." + kind(req.change()) + ".table", "table " + req.change().table()
                        + " does not exist in database " + req.database());
            }
            throw ApiException.invalid("database", "cannot reach database " + req.database() + ": " + e.getMessage());
        }
        Plan checked = plan;
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> store(req, checked, key, caller));
        // the SQL of expand, and of contract after it, checked on one shadow; a check that cannot run is logged (the
        // phases are checked again before they start)
        try {
            checks.check(new io.kubestead.check.Checks.Request(req.database(), "pipeline", req.name(), req.rollout(), null,
                    List.of(new io.kubestead.check.Checks.PhaseSql("expand", phaseSql(plan.expand()), false),
                            new io.kubestead.check.Checks.PhaseSql("contract", phaseSql(plan.contract()), true)),
                    null, null, null, caller.actor()));
        } catch (ApiException e) {
            LOG.infof("Pipeline %s: its SQL could not be checked at creation: %s", req.name(), e.getMessage());
        }
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> view(require(req.name())));
    }

    /** A phase's SQL as it runs: in one transaction, after the lock_timeout that {@link #runDdl} sets. */
    static String phaseSql(List<String> statements) {
        return "set lock_timeout = '" + LOCK_TIMEOUT + "';\n" + String.join(";\n", statements);
    }

    private PipelineView store(PipelineRequest req, Plan plan, List<Map<String, String>> key, Caller caller) {
        if (Pipeline.findById(req.name(), LockModeType.PESSIMISTIC_WRITE) != null) {
            throw ApiException.conflict("There is already a pipeline named " + Names.quote(req.name()) + ".");
        }
        Instant now = clock.instant();
        Pipeline p = new Pipeline();
        p.name = req.name();
        p.rolloutName = req.rollout();
        p.databaseName = req.database();
        p.change = Backfills.JSON.convertValue(Map.of(kind(req.change()), req.change()), Map.class);
        p.plan = Backfills.JSON.convertValue(plan, Map.class);
        p.phases = new LinkedHashMap<>(req.phases());
        p.confidenceWindow = Durations.format(req.confidenceWindow());
        p.state = "Active";
        p.schemaState = "unchanged: nothing has run yet";
        p.createdAt = now;
        p.updatedAt = now;
        p.createdBy = caller.user();
        if (!req.approvals().isEmpty()) {
            Map<String, Object> policies = new LinkedHashMap<>();
            req.approvals().forEach((phase, policy) -> policies.put(phase, policy.document()));
            p.approvals = policies;
        }
        p.persist();
        if (req.approvals().containsKey("expand")) {
            approvals.openForPhase(p.name, "expand", p.rolloutName, namespaceOf(p), p.createdBy, req.approvals().get("expand"));
        }
        Backfill b = new Backfill();
        b.pipelineName = p.name;
        b.state = Backfill.PENDING;
        b.tableName = plan.table();
        b.keyColumns = key;
        b.settings = req.backfill();
        b.batchSize = ((Number) req.backfill().get("batchSize")).intValue();
        b.updatedAt = now;
        b.persist();
        return view(p);
    }

    static String kind(SchemaChange c) {
        return c instanceof SchemaChange.RenameColumn ? "renameColumn"
                : c instanceof SchemaChange.ChangeColumnType ? "changeColumnType" : "custom";
    }

    // ---- read

    public PipelineView get(String name) {
        return view(require(name));
    }

    public io.kubestead.common.Page<PipelineView> list(io.kubestead.common.PageRequest page) {
        var query = Pipeline.<Pipeline>findAll(Sort.by("createdAt").descending().and("name"));
        long total = query.count();
        return new io.kubestead.common.Page<>(query.page(page.page(), page.size()).list().stream().map(this::view).toList(),
                page.page(), page.size(), total);
    }

    private String namespaceOf(Pipeline p) {
        return rollouts.namespaceOf(p.rolloutName);
    }

    Pipeline require(String name) {
        Pipeline p = Pipeline.findById(name);
        if (p == null) {
            throw ApiException.notFound("There is no pipeline named " + Names.quote(name) + ".");
        }
        return p;
    }

    static Plan plan(Pipeline p) {
        return Backfills.JSON.convertValue(p.plan, Plan.class);
    }

    Map<String, ReleaseBrief> phaseReleases(Pipeline p) {
        return releases.byPipelinePhase(List.of(p.name)).getOrDefault(p.name, Map.of());
    }

    /** Active pipelines for the overview: where each is, and how many gates of its next phase are unmet. */
    public List<Summary> summaries(int limit) {
        // projections, not entities: the overview needs none of the JSON columns
        List<Pipeline> list = new ArrayList<>();
        for (Object[] row : Pipeline.getEntityManager().createQuery("select p.name, p.rolloutName, p.state, p.confidenceWindow "
                + "from Pipeline p where p.state = 'Active' order by p.createdAt desc", Object[].class).setMaxResults(limit)
                .getResultList()) {
            Pipeline p = new Pipeline();
            p.name = (String) row[0];
            p.rolloutName = (String) row[1];
            p.state = (String) row[2];
            p.confidenceWindow = (String) row[3];
            list.add(p);
        }
        List<String> names = list.stream().map(p -> p.name).toList();
        Map<String, Backfill> fills = new java.util.HashMap<>();
        if (!names.isEmpty()) {
            for (Object[] row : Pipeline.getEntityManager().createQuery("select b.pipelineName, b.state, b.rowsDone, "
                    + "b.rowsScanned, b.estimatedRows, b.activeMillis, b.batchSize, b.batches, b.throttled, b.lastLagMillis, "
                    + "b.mismatches, b.message, b.startedAt, b.finishedAt from Backfill b where b.pipelineName in ?1",
                    Object[].class).setParameter(1, names).getResultList()) {
                Backfill b = new Backfill();
                b.pipelineName = (String) row[0];
                b.state = (String) row[1];
                b.rowsDone = (Long) row[2];
                b.rowsScanned = (Long) row[3];
                b.estimatedRows = (Long) row[4];
                b.activeMillis = (Long) row[5];
                b.batchSize = (Integer) row[6];
                b.batches = (Long) row[7];
                b.throttled = (Boolean) row[8];
                b.lastLagMillis = (Long) row[9];
                b.mismatches = (Long) row[10];
                b.message = (String) row[11];
                b.startedAt = (Instant) row[12];
                b.finishedAt = (Instant) row[13];
                fills.put(b.pipelineName, b);
            }
        }
        Map<String, Map<String, ReleaseBrief>> releasesByPipeline = releases.byPipelinePhase(names);
        List<Summary> out = new ArrayList<>();
        for (Pipeline p : list) {
            Map<String, ReleaseBrief> rel = releasesByPipeline.getOrDefault(p.name, Map.of());
            String current = null;
            String next = null;
            for (String phase : PipelineRequest.PHASES) {
                if (rel.containsKey(phase)) {
                    current = phase;
                } else if (next == null) {
                    next = phase;
                }
            }
            Backfill b = fills.get(p.name);
            int blocked = next == null ? 0 : (int) gates(p, next, b, rel, null).stream().filter(g -> !g.ok()).count();
            out.add(new Summary(p.name, p.rolloutName, p.state, current, current == null ? null : rel.get(current).state(),
                    next, blocked, PipelineView.Progress.of(b, clock.instant())));
        }
        return out;
    }

    public record Summary(String name, String rollout, String state, String phase, ReleaseState phaseState, String next,
            int blockedGates, PipelineView.Progress backfill) {
    }

    PipelineView view(Pipeline p) {
        Plan plan = plan(p);
        Backfill b = Backfill.findById(p.name);
        Map<String, ReleaseBrief> rel = phaseReleases(p);
        Map<String, io.kubestead.check.CheckReport> checked = checks.latestOfPipeline(p.name);
        List<PipelineView.Phase> phases = new ArrayList<>();
        for (String phase : PipelineRequest.PHASES) {
            ReleaseBrief r = rel.get(phase);
            @SuppressWarnings("unchecked")
            Map<String, String> target = (Map<String, String>) p.phases.get(phase);
            List<String> sql = switch (phase) {
                case "expand" -> plan.expand();
                case "migrate" -> List.of();
                default -> plan.contract();
            };
            phases.add(new PipelineView.Phase(phase, target.get("version"), target.get("image"),
                    r == null ? null : releases.get(String.valueOf(r.id())), sql, gates(p, phase, b, rel, null),
                    PipelineView.Check.of(checked.get(phase))));
        }
        return new PipelineView(p.name, p.rolloutName, p.databaseName, p.state, p.schemaState, p.change,
                p.confidenceWindow, phases, PipelineView.Progress.of(b, clock.instant()),
                "update " + plan.table() + " set " + plan.backfillSet() + " where <key range> and " + plan.needsBackfill(),
                plan.verifySql(), p.createdAt, p.updatedAt);
    }

    /**
     * The gates of a phase, each ✓ or ✗ with why; {@code verified} is the verification query's answer just now
     * (null: use the stored one).
     */
    List<PipelineView.Gate> gates(Pipeline p, String phase, Backfill b, Map<String, ReleaseBrief> rel, Long verified) {
        List<PipelineView.Gate> gates = new ArrayList<>();
        gates.add(new PipelineView.Gate("pipelineActive", "Active".equals(p.state),
                "Active".equals(p.state) ? "the pipeline is active" : "the pipeline is " + p.state));
        ReleaseBrief own = rel.get(phase);
        gates.add(new PipelineView.Gate("notStarted", own == null,
                own == null ? "the phase has not started" : "the phase already runs as release " + own.id() + " (" + own.state() + ")"));
        switch (phase) {
            case "migrate" -> {
                ReleaseBrief expand = rel.get("expand");
                boolean promoted = expand != null && expand.state() == ReleaseState.Promoted;
                gates.add(new PipelineView.Gate("expandPromoted", promoted, expand == null ? "expand has not run"
                        : "expand release " + expand.id() + " is " + expand.state()));
                boolean completed = Backfill.COMPLETED.equals(b.state);
                gates.add(new PipelineView.Gate("backfillCompleted", completed, "backfill is " + b.state
                        + (completed ? "" : " (" + b.rowsScanned + " of ~" + (b.estimatedRows == null ? "?" : b.estimatedRows) + " rows)")));
                if (completed && verified != null) {
                    b.mismatches = verified;
                    b.verifiedAt = clock.instant();
                }
                boolean matches = completed && b.mismatches != null && b.mismatches == 0;
                gates.add(new PipelineView.Gate("verified", matches, b.mismatches == null ? "not verified yet"
                        : b.mismatches + " rows where old and new disagree"));
            }
            case "contract" -> {
                ReleaseBrief migrate = rel.get("migrate");
                boolean promoted = migrate != null && migrate.state() == ReleaseState.Promoted;
                gates.add(new PipelineView.Gate("migratePromoted", promoted, migrate == null ? "migrate has not run"
                        : "migrate release " + migrate.id() + " is " + migrate.state()));
                Duration window = Durations.parse(p.confidenceWindow);
                Instant opens = promoted ? migrate.finishedAt().plus(window) : null;
                boolean elapsed = opens != null && !clock.instant().isBefore(opens);
                gates.add(new PipelineView.Gate("confidenceWindow", elapsed, opens == null
                        ? "starts when migrate is promoted (" + p.confidenceWindow + ")"
                        : (elapsed ? "elapsed at " : "opens at ") + opens + " (" + p.confidenceWindow + " after migrate was promoted)"));
                gates.addAll(watch.gates(p, migrate));
            }
            default -> {
            }
        }
        if (p.approvals != null && p.approvals.get(phase) instanceof Map<?, ?> stored) {
            @SuppressWarnings("unchecked")
            ApprovalPolicy policy = ApprovalPolicy.of((Map<String, Object>) stored);
            ApprovalView a = approvals.ofPipeline(p.name).get(phase);
            boolean ok = a != null && Approval.APPROVED.equals(a.state());
            String why = a == null ? "asked for when " + (phase.equals("expand") ? "the pipeline is created" : previous(phase)
                    + " is promoted") + ": " + policy.describe()
                    : Approval.PENDING.equals(a.state()) ? "waiting for " + policy.describe() + " until " + a.expiresAt()
                            + " (" + a.decisions().size() + " decided so far; POST /api/v1/pipelines/" + p.name + "/approvals)"
                    : a.state().toLowerCase(java.util.Locale.ROOT) + (a.outcome() == null ? "" : ": " + a.outcome());
            gates.add(new PipelineView.Gate("approved", ok, why));
        }
        return gates;
    }

    /** Runs the verification query on the target (a remote call: never inside a transaction). */
    private long verify(Pipeline p) {
        try (Connection c = databases.open(p.databaseName)) {
            return BackfillBatches.mismatches(c, plan(p));
        } catch (SQLException e) {
            throw ApiException.conflict("Cannot verify the backfill on database " + p.databaseName + ": " + e.getMessage());
        }
    }

    // ---- act

    /**
     * Starts a phase as a release of the pipeline's rollout. Migrate first verifies the backfill on the target, with
     * no transaction open; the gates are then checked again under the pipeline's lock with that answer.
     */
    public PipelineView start(String name, String phase, Caller caller, String overrideReason) {
        if (!PipelineRequest.PHASES.contains(phase)) {
            throw ApiException.notFound("A pipeline has the phases expand, migrate and contract, not " + Names.quote(phase) + ".");
        }
        Pipeline read = require(name);
        caller.require(Permission.CONFIGURE, namespaceOf(read));
        if (overrideReason != null) {
            caller.require(Permission.ADMINISTER, null);
        }
        Long verified = null;
        Long checkId = null;
        if ("migrate".equals(phase)) {
            Backfill b = Backfill.findById(name);
            if (b != null && Backfill.COMPLETED.equals(b.state)) {
                verified = verify(read);
            }
        } else if ("Active".equals(read.state) && phaseReleases(read).get(phase) == null) {
            if ("contract".equals(phase)) {
                // a fresh look at the old version before its gates are judged
                watch.sample(name);
            }
            // the phase's SQL against the schema as it is now, with the queries that run now
            Plan plan = plan(read);
            checkId = checks.check(new io.kubestead.check.Checks.Request(read.databaseName, "pipeline", name, read.rolloutName,
                    null, List.of(new io.kubestead.check.Checks.PhaseSql(phase, phaseSql("expand".equals(phase) ? plan.expand()
                            : plan.contract()), "contract".equals(phase))), null, null, null, caller.actor())).get(0).id();
        }
        Long answer = verified;
        Long check = checkId;
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> startLocked(name, phase, caller, answer, check, overrideReason));
    }

    private PipelineView startLocked(String name, String phase, Caller caller, Long verified, Long checkId, String overrideReason) {
        Pipeline p = Pipeline.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (p == null) {
            throw ApiException.notFound("There is no pipeline named " + Names.quote(name) + ".");
        }
        caller.require(Permission.CONFIGURE, namespaceOf(p));
        Backfill b = Backfill.findById(name, LockModeType.PESSIMISTIC_WRITE);
        List<FieldError> unmet = new ArrayList<>(gates(p, phase, b, phaseReleases(p), verified).stream().filter(g -> !g.ok())
                .map(g -> new FieldError("gates." + g.gate(), g.why())).toList());
        if (checkId != null) {
            io.kubestead.check.CheckReport report = checks.get(checkId);
            if (io.kubestead.check.CheckReport.BLOCKED.equals(report.verdict())) {
                if (overrideReason == null) {
                    unmet.addAll(report.refusal("check", "the " + phase + " SQL", "it"));
                } else if (unmet.isEmpty()) {
                    checks.override(checkId, overrideReason, caller);
                }
            }
        }
        if (!unmet.isEmpty()) {
            throw ApiException.conflict("The " + phase + " phase of pipeline " + name + " may not start: "
                    + unmet.size() + " gate" + (unmet.size() == 1 ? "" : "s") + " unmet.", unmet);
        }
        @SuppressWarnings("unchecked")
        Map<String, String> target = (Map<String, String>) p.phases.get(phase);
        releases.create(p.rolloutName, new ReleaseService.NewRelease(target.get("version"), target.get("image")), caller,
                p.name, phase);
        p.updatedAt = clock.instant();
        return view(p);
    }

    @Transactional
    public PipelineView abort(String name, Caller caller, String reason) {
        Pipeline p = require(name);
        caller.require(Permission.RELEASE_ACT, namespaceOf(p));
        if (!"Active".equals(p.state)) {
            throw ApiException.conflict("Pipeline " + name + " is " + p.state + ".");
        }
        // lock order, as the engine takes them: the releases' rows first, then the pipeline's
        for (ReleaseBrief r : phaseReleases(p).values()) {
            if (r.state().active() && r.requestedAction() == null) {
                actions.act(String.valueOf(r.id()), Action.ABORT, caller, reason == null ? "pipeline aborted" : reason);
            }
        }
        Pipeline.getEntityManager().refresh(p, LockModeType.PESSIMISTIC_WRITE);
        if (!"Active".equals(p.state)) {
            throw ApiException.conflict("Pipeline " + name + " is " + p.state + ".");
        }
        p.state = "Aborted";
        p.updatedAt = clock.instant();
        Backfill b = Backfill.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (!Backfill.COMPLETED.equals(b.state)) {
            b.state = Backfill.CANCELLED;
            b.updatedAt = p.updatedAt;
        }
        return view(p);
    }

    @Transactional
    public PipelineView backfillAction(String name, String action, Caller caller) {
        Pipeline p = require(name);
        // pausing and resuming is operations; cancelling gives up the change
        caller.require("cancel".equals(action) ? Permission.CONFIGURE : Permission.RELEASE_ACT, namespaceOf(p));
        Backfill b = Backfill.findById(name, LockModeType.PESSIMISTIC_WRITE);
        String was = b.state;
        switch (action) {
            case "pause" -> {
                requireState(b, "pause", Backfill.RUNNING);
                b.state = Backfill.PAUSED;
            }
            case "resume" -> {
                requireState(b, "resume", Backfill.PAUSED);
                b.state = Backfill.RUNNING;
                b.nextAt = null;
            }
            default -> {
                if (!List.of(Backfill.RUNNING, Backfill.PAUSED, Backfill.PENDING).contains(b.state)) {
                    throw ApiException.conflict("Cannot cancel the backfill of " + name + ": it is " + b.state + ".");
                }
                b.state = Backfill.CANCELLED;
            }
        }
        b.updatedAt = clock.instant();
        b.message = "backfill " + was + " → " + b.state;
        if (Backfill.RUNNING.equals(b.state)) {
            wakeBackfillsAfterCommit();
        }
        return view(p);
    }

    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    /** Backfill workers look once the change is visible to them, not before. */
    private void wakeBackfillsAfterCommit() {
        afterCommit(backfills::wake);
    }

    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before
            }

            @Override
            public void afterCompletion(int status) {
                if (status == jakarta.transaction.Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    private static void requireState(Backfill b, String action, String state) {
        if (!state.equals(b.state)) {
            throw ApiException.conflict("Cannot " + action + " the backfill of " + b.pipelineName + ": it is " + b.state + ".");
        }
    }

    // ---- the engine's side: schema work before a phase's hooks, bookkeeping when it ends

    @Override
    public Prepared prepare(Phase r) {
        Pipeline read = Pipeline.findById(r.pipeline());
        String name = read.name;
        String database = read.databaseName;
        String schemaBefore = read.schemaState;
        Plan plan = plan(read);
        String phase = r.phase();
        List<String> sql = switch (phase) {
            case "expand" -> plan.expand();
            case "contract" -> plan.contract();
            default -> List.of();
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pipeline", name);
        details.put("phase", phase);
        details.put("sql", sql);
        try {
            // the target database is changed with no Kubestead transaction open; the DDL is idempotent, so a
            // move whose result is discarded afterwards may run it again
            int attempts = runDdl(database, sql);
            details.put("ddlAttempts", attempts);
        } catch (SQLException e) {
            details.put("schema", schemaBefore);
            return new Prepared(false, phase + " schema change failed on database " + database + ": "
                    + e.getMessage() + " (it ran in one transaction and was rolled back; schema " + schemaBefore + ")",
                    details, null);
        }
        String schemaAfter = switch (phase) {
            case "expand" -> plan.schemaAfterExpand();
            case "contract" -> plan.schemaAfterContract();
            default -> schemaBefore.startsWith("expanded") ? schemaBefore + "; the migrate version reads the new column"
                    : schemaBefore;
        };
        details.put("schema", schemaAfter);
        return new Prepared(true, null, details, () -> {
            // lock order: the engine holds the release's row lock already; pipeline, then backfill, come after
            Pipeline p = Pipeline.findById(name, LockModeType.PESSIMISTIC_WRITE);
            Instant now = clock.instant();
            p.schemaState = schemaAfter;
            p.updatedAt = now;
            if ("expand".equals(phase)) {
                Backfill b = Backfill.findById(name, LockModeType.PESSIMISTIC_WRITE);
                if (Backfill.PENDING.equals(b.state)) {
                    b.state = Backfill.RUNNING;
                    b.nextAt = null;
                    b.updatedAt = now;
                }
                wakeBackfillsAfterCommit();
            }
        });
    }

    /** Runs DDL in one transaction with a short lock_timeout, retried with backoff while locks are busy. */
    int runDdl(String database, List<String> statements) throws SQLException {
        if (statements.isEmpty()) {
            return 0;
        }
        for (int attempt = 1;; attempt++) {
            try (Connection c = databases.open(database); Statement s = c.createStatement()) {
                try {
                    s.execute("set local lock_timeout = '" + LOCK_TIMEOUT + "'");
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                    c.commit();
                    return attempt;
                } catch (SQLException e) {
                    c.rollback();
                    if (!"55P03".equals(e.getSQLState()) || attempt >= DDL_ATTEMPTS) {
                        throw e;
                    }
                    LOG.infof("DDL on %s waited too long for a lock (attempt %d of %d); retrying", database, attempt,
                            DDL_ATTEMPTS);
                    try {
                        Thread.sleep(200L << attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Object> finished(Phase r, ReleaseState state) {
        Pipeline p = Pipeline.findById(r.pipeline(), LockModeType.PESSIMISTIC_WRITE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pipeline", p.name);
        details.put("phase", r.phase());
        if (state != ReleaseState.Promoted && "expand".equals(r.phase())) {
            Backfill b = Backfill.findById(p.name, LockModeType.PESSIMISTIC_WRITE);
            if (Backfill.RUNNING.equals(b.state) || Backfill.PAUSED.equals(b.state)) {
                b.state = Backfill.PAUSED;
                b.message = "paused: the expand release was " + state + " (resume it after a retry, or cancel)";
                b.updatedAt = clock.instant();
            }
        }
        if (state == ReleaseState.Promoted && "contract".equals(r.phase())) {
            p.state = "Completed";
        }
        if (state == ReleaseState.Promoted && "migrate".equals(r.phase())) {
            // the old version's queries and pods are first looked at as migrate is promoted, once that is committed
            afterCommit(() -> java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    watch.sample(p.name);
                } catch (RuntimeException e) {
                    LOG.infof("Pipeline %s: first look at the old version failed: %s", p.name, e.getMessage());
                }
            }));
        }
        String next = state == ReleaseState.Promoted ? next(r.phase()) : null;
        if (next != null && p.approvals != null && p.approvals.get(next) instanceof Map<?, ?> stored) {
            // the next phase's approval is asked for now: its timeout runs from when it can be decided
            @SuppressWarnings("unchecked")
            ApprovalPolicy policy = ApprovalPolicy.of((Map<String, Object>) stored);
            approvals.openForPhase(p.name, next, p.rolloutName, namespaceOf(p), p.createdBy, policy);
            details.put("approvalRequested", next);
        }
        if (state != ReleaseState.Promoted) {
            details.put("schemaSafeForStable", true);
        }
        details.put("schema", p.schemaState + (state != ReleaseState.Promoted && "migrate".equals(r.phase())
                ? "; contract will not run after this migrate" : ""));
        p.updatedAt = clock.instant();
        return details;
    }

    private static String previous(String phase) {
        return "migrate".equals(phase) ? "expand" : "migrate";
    }

    private static String next(String phase) {
        return "expand".equals(phase) ? "migrate" : "migrate".equals(phase) ? "contract" : null;
    }

    /** A phase's approval expired with onTimeout abort: the pipeline is aborted (once; in one transaction). */
    @Override
    @Transactional
    public void approvalTimedOut(long approvalId, String pipeline, String reason) {
        Pipeline p = Pipeline.findById(pipeline);
        if (p != null && "Active".equals(p.state)) {
            abort(pipeline, Caller.SYSTEM, reason);
        }
        approvals.consequenceDone(approvalId);
    }

    static boolean uniqueViolation(Throwable e) {
        return "23505".equals(Exceptions.sqlState(e));
    }
}
