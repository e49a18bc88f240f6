package io.kubestead.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.kubestead.common.ApiException;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.security.AuditLog;
import io.kubestead.security.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;

/**
 * Schema checks: the linter's reading of a migration, the shadow's observation of it on a copy of the target's
 * schema, and the stable version's queries planned against the result, judged into a verdict — safe,
 * needs-expand-migrate-contract, or blocked — and stored.
 *
 * <p>{@link #check} calls the target and the shadow server with no transaction of Kubestead's open, then stores
 * the reports in one short transaction.
 */
@ApplicationScoped
public class Checks {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Findings that stop a phase or hook from starting. */
    static final Set<String> BLOCKING = Set.of("breaks-stable-query", "insert-omits-not-null-column",
            "fails-on-target-schema", "long-lock-on-large-table", "truncate");

    /** In a contract phase dropping what the old version used is the point: its gates check the old version is gone. */
    static final Set<String> EXPECTED_IN_CONTRACT = Set.of("drop-column", "drop-table", "drop-type");

    /** Rules that read or rewrite a whole table under their lock. */
    static final Set<String> SCANS = Set.of("set-not-null", "constraint-without-not-valid", "foreign-key-without-not-valid",
            "unique-constraint-without-index", "create-index-non-concurrently", "vacuum-full", "cluster",
            "reindex-non-concurrently", "refresh-materialized-view-non-concurrently");

    @Inject
    TargetDatabases databases;

    @Inject
    ShadowServers shadows;

    @Inject
    CheckSettings settings;

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    /** One phase's SQL; {@code contract} marks a contract phase (drops expected there). */
    public record PhaseSql(String name, String sql, boolean contract) {
    }

    /**
     * @param prelude SQL applied to the shadow before the phases and not judged (expand, before a contract checked
     *                at pipeline creation)
     * @param stableQueries the stable version's queries; null: read from the target's pg_stat_statements
     */
    public record Request(String database, String subject, String pipeline, String rollout, String hook,
            List<PhaseSql> phases, String prelude, List<String> stableQueries, List<String> stableRoles, String actor) {
    }

    /** Runs a check and stores one report per phase. A remote call: never inside a transaction. */
    public List<CheckReport> check(Request r) {
        long t0 = System.nanoTime();
        Map<String, Lint.Result> lints = new LinkedHashMap<>();
        for (PhaseSql p : r.phases()) {
            lints.put(p.name(), Lint.lint(p.sql()));
        }
        Lint.Result prelude = r.prelude() == null ? null : Lint.lint(r.prelude());
        long t1 = System.nanoTime();
        if (!databases.exists(r.database())) {
            throw ApiException.notFound("There is no target database named " + io.kubestead.common.Names.quote(r.database()) + ".");
        }
        SchemaCopy.Snapshot snapshot;
        List<String> stable = r.stableQueries();
        String stableSource = stable == null ? "pg_stat_statements" : "supplied";
        String stableNote = null;
        try (Connection c = databases.open(r.database())) {
            snapshot = SchemaCopy.read(c);
            if (stable == null) {
                List<String> roles = r.stableRoles() != null ? r.stableRoles() : settings.stableRoles().orElse(null);
                StableQueries.Sample sample = StableQueries.read(c, roles, settings.maxStableQueries());
                stable = sample.queries().stream().map(StableQueries.Seen::query).toList();
                stableNote = sample.note();
                if (sample.queries().isEmpty() && sample.note() != null) {
                    stableSource = "none";
                }
            }
        } catch (SQLException e) {
            throw ApiException.conflict("Cannot read the schema of database " + r.database() + " (SQLSTATE "
                    + (e.getSQLState() == null ? "unknown" : e.getSQLState()) + "); nothing was checked.");
        }
        long t2 = System.nanoTime();
        Shadowed run = shadow(snapshot, prelude, lints, stable);
        ShadowRun.Result shadow = run.result();
        String shadowNote = run.note();
        ShadowServers.Server server = run.server();
        long t3 = System.nanoTime();
        List<CheckReport> reports = new ArrayList<>();
        for (PhaseSql p : r.phases()) {
            ShadowRun.PhaseResult observed = shadow == null ? null
                    : shadow.phases().stream().filter(x -> x.name().equals(p.name())).findFirst().orElse(null);
            CheckReport.Shadow shadowInfo = new CheckReport.Shadow(shadow != null, server == null ? null : server.name(),
                    server == null ? null : server.version(), server == null ? null : server.major() == snapshot.major(),
                    run.fromTemplate(), snapshot.tables(), shadow == null ? List.of() : shadow.copyGaps(),
                    shadowNote != null ? shadowNote : server != null && server.major() != snapshot.major()
                            ? "no shadow server of PostgreSQL " + snapshot.major() + " is configured: planned on " + server.version()
                            : null);
            CheckReport.Stable stableInfo = new CheckReport.Stable(stableSource, stable.size(),
                    shadow == null ? 0 : shadow.checked(), observed == null ? 0 : observed.broken().size(),
                    shadow == null ? List.of() : shadow.notCheckable().stream().limit(50).toList(),
                    shadow == null && !stable.isEmpty() ? "not planned: no shadow" : stableNote);
            CheckReport.Timings timings = new CheckReport.Timings((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                    shadow == null ? 0 : shadow.copyMillis(), shadow == null ? 0 : shadow.applyMillis(),
                    shadow == null ? 0 : shadow.explainMillis(), (t3 - t0) / 1_000_000);
            reports.add(judge(r, p, lints.get(p.name()), observed, snapshot, shadowInfo, stableInfo, timings));
        }
        return QuarkusTransaction.requiringNew().call(() -> reports.stream().map(this::store).toList());
    }

    private record Shadowed(ShadowRun.Result result, ShadowServers.Server server, boolean fromTemplate, String note) {
    }

    /** Builds a shadow of the snapshot, runs the phases on it and drops it; a shadow that cannot be built is a note. */
    private Shadowed shadow(SchemaCopy.Snapshot snapshot, Lint.Result prelude, Map<String, Lint.Result> lints,
            List<String> stable) {
        try (ShadowServers.Shadow db = shadows.create(snapshot.major(), snapshot)) {
            if (db == null) {
                return new Shadowed(null, null, false, "no shadow server: the embedded one is off (kubestead.checks.embedded-shadow) "
                        + "and none is configured that may be used " + shadows.refused());
            }
            List<ShadowRun.Phase> phases = new ArrayList<>();
            if (prelude != null) {
                phases.add(new ShadowRun.Phase("prelude", prelude.statements(), false));
            }
            lints.forEach((name, lint) -> phases.add(new ShadowRun.Phase(name, lint.statements(), true)));
            try (Connection c = db.open()) {
                return new Shadowed(ShadowRun.run(c, db.server().major(), db.gaps(), db.copyMillis(), phases, stable,
                        settings.shadowStatementTimeout()), db.server(), db.reused(), null);
            } catch (SQLException e) {
                if (ShadowRun.ENDED.equals(e.getSQLState())) {
                    db.discard();
                }
                throw e;
            }
        } catch (SQLException e) {
            return new Shadowed(null, null, false, "the shadow could not be built (SQLSTATE " + e.getSQLState() + ": "
                    + ShadowRun.firstLine(e.getMessage()) + "): only the linter's findings count");
        }
    }

    /**
     * Of these queries, those the SQL would break on the database's schema as it is now (a shadow run; nothing is
     * stored). A remote call: never inside a transaction.
     */
    public java.util.Set<String> wouldBreak(String database, String sql, List<String> queries) throws SQLException {
        if (queries.isEmpty()) {
            return java.util.Set.of();
        }
        SchemaCopy.Snapshot snapshot;
        try (Connection c = databases.open(database)) {
            snapshot = SchemaCopy.read(c);
        }
        Shadowed run = shadow(snapshot, null, Map.of("contract", Lint.lint(sql)), queries);
        if (run.result() == null) {
            throw new SQLException(run.note(), "58000");
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        run.result().phases().forEach(p -> p.broken().forEach(b -> out.add(b.query())));
        return out;
    }

    // ---- judging

    CheckReport judge(Request r, PhaseSql p, Lint.Result lint, ShadowRun.PhaseResult observed, SchemaCopy.Snapshot snapshot,
            CheckReport.Shadow shadowInfo, CheckReport.Stable stableInfo, CheckReport.Timings timings) {
        List<Finding> findings = new ArrayList<>();
        Map<Integer, ShadowRun.Observed> ran = new LinkedHashMap<>();
        if (observed != null) {
            observed.statements().stream().filter(o -> "ran".equals(o.outcome())).forEach(o -> ran.put(o.index(), o));
        }
        for (Finding f : lint.findings()) {
            ShadowRun.Observed o = f.statement() == null ? null : ran.get(f.statement());
            if ("change-column-type".equals(f.rule()) && o != null && o.rewrites().isEmpty()) {
                // PostgreSQL converted it in place (a binary-compatible type): the running version reads what it did
                findings.add(new Finding(f.rule(), Severity.warning, f.category(), f.statement(), f.sql(), f.relation(),
                        f.message() + " In the shadow PostgreSQL changed it in place, without a rewrite: the values "
                                + "the running version reads and writes are unchanged.", f.fix(), f.recipe()));
            } else if ("drop-default".equals(f.rule()) && o != null && !o.newlyRequired().isEmpty()) {
                // the column is NOT NULL: every INSERT of the running version that leaves it out now fails
                findings.add(new Finding(f.rule(), Severity.error, f.category(), f.statement(), f.sql(), f.relation(),
                        f.message() + " In the shadow it left " + String.join(", ", o.newlyRequired())
                                + " NOT NULL without a default.", f.fix(), f.recipe()));
            } else if (p.contract() && EXPECTED_IN_CONTRACT.contains(f.rule())) {
                findings.add(new Finding(f.rule(), Severity.info, f.category(), f.statement(), f.sql(), f.relation(),
                        f.message() + " Expected in a contract phase: its gates wait until the old version is gone.", f.fix(),
                        null));
            } else {
                findings.add(f);
            }
        }
        List<CheckReport.Statement> statements = new ArrayList<>();
        Map<Integer, ShadowRun.Observed> byIndex = new LinkedHashMap<>();
        if (observed != null) {
            observed.statements().forEach(o -> byIndex.put(o.index(), o));
        }
        double rate = bytesPerSecond(settings.scanRate());
        for (SqlStatement st : lint.statements()) {
            ShadowRun.Observed o = byIndex.get(st.index());
            String effect = null;
            if (o != null && "failed".equals(o.outcome())) {
                String gaps = shadowInfo.copyGaps().isEmpty() ? "" : " (the shadow lacks " + shadowInfo.copyGaps().size()
                        + " object(s) it could not copy; see shadow.copyGaps)";
                findings.add(new Finding("fails-on-target-schema", Severity.error, "shadow", st.index(), flat(st.sql()), null,
                        "PostgreSQL refused this statement on a copy of " + r.database() + "'s schema: " + o.error() + gaps
                                + ". Run as written, the migration fails and rolls back.",
                        "Correct the statement against the schema as it is now (GET /api/v1/databases).", null));
            }
            if (o != null && "ran".equals(o.outcome())) {
                effect = effect(r, st, o, findings, snapshot, rate);
            }
            statements.add(new CheckReport.Statement(st.index(), st.sql(), st.kind(), st.parser(), st.transactional(),
                    o == null ? "not run" : o.outcome(), o == null ? List.of() : o.locks(), o == null ? List.of() : o.rewrites(),
                    o == null ? List.of() : o.indexesBuilt(), o == null ? List.of() : o.dropped(), o == null ? null : o.error(),
                    effect, o == null ? null : o.note()));
        }
        if (observed != null) {
            for (ShadowRun.Broken b : observed.broken()) {
                boolean insert = b.error().startsWith("the INSERT gives no value");
                SqlStatement st = lint.statements().stream().filter(s -> s.index() == b.statement()).findFirst().orElse(null);
                if (p.contract()) {
                    // the old version's queries: the contract's gates wait until they stop running
                    findings.add(new Finding("reads-what-contract-drops", Severity.warning, "breaking", b.statement(),
                            st == null ? null : flat(st.sql()), null, "After statement " + b.statement() + " this query "
                                    + "no longer works: " + flat(b.query()) + " — " + b.error(),
                            "The contract phase starts only once no such query has run for kubestead.checks.quiet-period "
                                    + "(gate oldQueriesStopped) and no pod of the old version serves (gate oldVersionGone).",
                            null));
                    continue;
                }
                findings.add(new Finding(insert ? "insert-omits-not-null-column" : "breaks-stable-query", Severity.error, "breaking",
                        b.statement(), st == null ? null : flat(st.sql()), null,
                        "After statement " + b.statement() + " the stable version's query no longer works: " + flat(b.query())
                                + " — " + b.error(),
                        insert ? "Add the column with a DEFAULT, or as NULL and SET NOT NULL only after every writer gives it."
                                : "Keep what the running version reads until it is gone: carry the change out as a pipeline "
                                        + "(expand, migrate, contract); see recipe.",
                        null));
            }
        }
        String verdict = findings.stream().anyMatch(f -> f.severity() == Severity.error && BLOCKING.contains(f.rule()))
                ? CheckReport.BLOCKED
                : findings.stream().anyMatch(f -> f.severity() == Severity.error && "breaking".equals(f.category()))
                        ? CheckReport.NEEDS_EMC : CheckReport.SAFE;
        List<Map<String, Object>> recipe = new ArrayList<>();
        for (Finding f : findings) {
            if (f.recipe() != null && recipe.stream().noneMatch(x -> f.recipe().equals(x.get("change")))) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("change", f.recipe());
                step.put("how", "POST /api/v1/pipelines with this change: expand adds the new shape beside the old, a backfill "
                        + "fills it, migrate moves the application over, contract removes the old once it is gone");
                recipe.add(step);
            }
        }
        if (!CheckReport.SAFE.equals(verdict) && recipe.isEmpty()) {
            for (Finding f : findings) {
                if (f.severity() == Severity.error && "breaking".equals(f.category())) {
                    recipe.add(Map.of("rule", f.rule(), "how", f.fix()));
                }
            }
        }
        return new CheckReport(null, r.database(), r.subject(), r.pipeline(), p.name(), r.rollout(), r.hook(), null, verdict,
                summary(verdict, findings), findings, statements, stableInfo, shadowInfo,
                new CheckReport.Target(snapshot.version(), snapshot.sizes().values().stream().mapToLong(SchemaCopy.Size::totalBytes).sum()),
                recipe, timings, clock.instant(), r.actor(), null);
    }

    /**
     * What a statement that ran in the shadow means on the target: for each table it locked against writes, the
     * work done under that lock (rewrite, index build, scan) and, from the target's size, how long that takes.
     */
    private String effect(Request r, SqlStatement st, ShadowRun.Observed o, List<Finding> findings, SchemaCopy.Snapshot snapshot,
            double rate) {
        List<String> parts = new ArrayList<>();
        for (String rewritten : o.rewrites()) {
            SchemaCopy.Size size = size(snapshot, rewritten);
            findings.add(new Finding("table-rewrite", Severity.warning, "locking", st.index(), flat(st.sql()), rewritten,
                    "PostgreSQL rewrote " + rewritten + " in the shadow (a new file for the table and every index)"
                            + (size == null ? "" : ": on " + r.database() + " that is " + bytes(size.totalBytes()) + rows(size)),
                    "Add a new column and backfill it in batches instead (a changeColumnType pipeline), or use a constant default.",
                    null));
        }
        for (ShadowRun.Lock lock : o.locks()) {
            if (lock.created() || !"table".equals(lock.kind()) && !"materialized view".equals(lock.kind())) {
                continue;
            }
            String blocked = "ACCESS EXCLUSIVE".equals(lock.mode()) ? "every read and write"
                    : ShadowRun.blocksWrites(lock.mode()) ? "every write" : null;
            if (blocked == null) {
                continue;
            }
            SchemaCopy.Size size = size(snapshot, lock.relation());
            String work = null;
            long bytes = 0;
            if (o.rewrites().contains(lock.relation())) {
                work = "rewrites";
                bytes = size == null ? 0 : size.totalBytes();
            } else if (o.indexesBuilt().stream().anyMatch(b -> b.endsWith(" on " + lock.relation()))) {
                work = "builds an index on";
                bytes = size == null ? 0 : size.bytes();
            } else if (findings.stream().anyMatch(f -> f.statement() != null && f.statement() == st.index()
                    && SCANS.contains(f.rule()) && sameRelation(f.relation(), lock.relation()))) {
                work = "scans";
                bytes = size == null ? 0 : size.bytes();
            }
            if (work == null) {
                parts.add(lock.mode() + " on " + lock.relation() + ": brief (catalog only), but it queues behind every open "
                        + "transaction on the table and " + blocked + " queues behind it — set lock_timeout");
                continue;
            }
            double seconds = bytes / rate;
            String line = work + " " + lock.relation() + " (" + (size == null ? "size unknown" : bytes(bytes) + rows(size))
                    + ") under " + lock.mode() + " — " + blocked + " blocked for " + duration(seconds);
            parts.add(line);
            if (seconds * 1000 > settings.maxBlocking().toMillis()) {
                findings.add(new Finding("long-lock-on-large-table", Severity.error, "locking", st.index(), flat(st.sql()),
                        lock.relation(), "Statement " + st.index() + " " + line + " on " + r.database() + " (estimated at "
                                + settings.scanRate() + "; the limit is " + io.kubestead.common.Durations.format(settings.maxBlocking())
                                + ").",
                        "Do the work without the strong lock: CREATE INDEX CONCURRENTLY, constraints NOT VALID then VALIDATE, "
                                + "a new column backfilled in batches instead of a rewrite.",
                        null));
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static boolean sameRelation(String written, String observed) {
        if (written == null) {
            return false;
        }
        return normalize(written).equals(normalize(observed));
    }

    static String normalize(String relation) {
        String r = relation.replace("\"", "").toLowerCase(Locale.ROOT).strip();
        return r.startsWith("public.") ? r.substring(7) : r;
    }

    private static SchemaCopy.Size size(SchemaCopy.Snapshot snapshot, String relation) {
        String key = relation.contains(".") ? relation : "public." + relation;
        return snapshot.sizes().get(key);
    }

    static String summary(String verdict, List<Finding> findings) {
        List<Finding> errors = findings.stream().filter(f -> f.severity() == Severity.error).toList();
        long warnings = findings.stream().filter(f -> f.severity() == Severity.warning).count();
        String w = warnings == 0 ? "" : " (" + warnings + " warning" + (warnings == 1 ? "" : "s") + ")";
        return switch (verdict) {
            case CheckReport.BLOCKED -> {
                Finding first = errors.stream().filter(f -> BLOCKING.contains(f.rule())).findFirst().orElseThrow();
                long more = errors.stream().filter(f -> BLOCKING.contains(f.rule())).count() - 1;
                yield "blocked: " + first.message() + (more > 0 ? " (and " + more + " more)" : "");
            }
            case CheckReport.NEEDS_EMC -> "needs expand → migrate → contract: "
                    + String.join(", ", errors.stream().map(Finding::rule).distinct().toList())
                    + " would break the version still running; see recipe" + w;
            default -> "safe: nothing the running version uses breaks and no long lock" + w;
        };
    }

    // ---- sizes, rates and durations in words

    static double bytesPerSecond(String rate) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?i?b)/s\\s*").matcher(rate);
        if (!m.matches()) {
            throw new IllegalArgumentException("kubestead.checks.scan-rate must look like 200MB/s, not " + rate);
        }
        double n = Double.parseDouble(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            case 'g' -> n * 1024 * 1024 * 1024;
            case 't' -> n * 1024 * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    static String bytes(long b) {
        String[] units = { "B", "kB", "MB", "GB", "TB" };
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 ? String.valueOf(b) : v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }

    private static String rows(SchemaCopy.Size size) {
        if (size.rows() < 0) {
            return ", rows unknown: never analyzed";
        }
        long n = size.rows();
        String s = n >= 1_000_000_000 ? String.format(Locale.ROOT, "%.1f G", n / 1e9) : n >= 1_000_000 ? String.format(Locale.ROOT, "%.0f M", n / 1e6)
                : n >= 1_000 ? String.format(Locale.ROOT, "%.0f k", n / 1e3) : String.valueOf(n);
        return ", ~" + s + " rows";
    }

    static String duration(double seconds) {
        if (seconds < 1) {
            return "under a second";
        }
        if (seconds < 90) {
            return "~" + Math.round(seconds) + " s";
        }
        if (seconds < 90 * 60) {
            return "~" + Math.round(seconds / 60) + " min";
        }
        return "~" + String.format(Locale.ROOT, "%.1f", seconds / 3600) + " h";
    }

    private static String flat(String sql) {
        return sql == null ? null : ShadowRun.shorten(sql, 300);
    }

    // ---- storing and reading

    @Transactional(Transactional.TxType.MANDATORY)
    CheckReport store(CheckReport report) {
        SchemaCheck c = new SchemaCheck();
        c.databaseName = report.database();
        c.subject = report.subject();
        c.pipelineName = report.pipeline();
        c.phase = report.phase();
        c.rolloutName = report.rollout();
        c.hookName = report.hook();
        c.sql = report.statements().stream().map(CheckReport.Statement::sql).reduce((a, b) -> a + ";\n" + b).orElse("");
        c.verdict = report.verdict();
        c.createdAt = report.createdAt();
        c.createdBy = report.createdBy() == null ? io.kubestead.common.Actors.SYSTEM : report.createdBy();
        c.report = JSON.convertValue(report, Map.class);
        c.persist();
        return report.with(c.id, null);
    }

    static CheckReport view(SchemaCheck c) {
        CheckReport r = JSON.convertValue(c.report, CheckReport.class).withRelease(c.releaseId);
        return r.with(c.id, c.overrideReason == null ? null : new CheckReport.Override(c.overrideReason, c.overrideBy, c.overrideAt));
    }

    @Transactional
    public CheckReport get(long id) {
        SchemaCheck c = SchemaCheck.findById(id);
        if (c == null) {
            throw ApiException.notFound("There is no schema check " + id + ".");
        }
        return view(c);
    }

    @Transactional
    public Page<CheckReport> list(String database, String pipeline, Long release, PageRequest page) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (database != null && !database.isBlank()) {
            where.append(" and databaseName = :database");
            params.put("database", database);
        }
        if (pipeline != null && !pipeline.isBlank()) {
            where.append(" and pipelineName = :pipeline");
            params.put("pipeline", pipeline);
        }
        if (release != null) {
            where.append(" and releaseId = :release");
            params.put("release", release);
        }
        var query = SchemaCheck.<SchemaCheck>find(where.toString(), Sort.by("id").descending(), params);
        long total = query.count();
        return new Page<>(query.page(page.page(), page.size()).list().stream().map(Checks::view).toList(), page.page(),
                page.size(), total);
    }

    /** The checks of a release: its hooks' (tied to it) and, for a pipeline phase, the latest of that phase. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CheckReport> ofRelease(long release, String pipeline, String phase) {
        List<CheckReport> out = new ArrayList<>(SchemaCheck.<SchemaCheck>find("releaseId = ?1 order by id", release).list()
                .stream().map(Checks::view).toList());
        if (pipeline != null && phase != null) {
            CheckReport latest = latestOfPipeline(pipeline).get(phase);
            if (latest != null) {
                out.add(latest);
            }
        }
        return out;
    }

    /** The latest check of each phase of a pipeline. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, CheckReport> latestOfPipeline(String pipeline) {
        Map<String, CheckReport> out = new LinkedHashMap<>();
        for (SchemaCheck c : SchemaCheck.<SchemaCheck>find("pipelineName = ?1 order by id desc", pipeline).list()) {
            out.putIfAbsent(c.phase, view(c));
        }
        return out;
    }

    /**
     * An admin lets a blocked check's phase or hook start anyway: who, why and when are kept with the report and
     * in the audit trail, in the caller's transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CheckReport override(long id, String reason, Caller caller) {
        caller.require(io.kubestead.security.Permission.ADMINISTER, null);
        SchemaCheck c = SchemaCheck.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        c.overrideReason = reason;
        c.overrideBy = caller.actor();
        c.overrideAt = clock.instant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("check", id);
        details.put("verdict", c.verdict);
        details.put("reason", reason);
        if (c.pipelineName != null) {
            details.put("pipeline", c.pipelineName);
            details.put("phase", c.phase);
        }
        if (c.rolloutName != null) {
            details.put("rollout", c.rolloutName);
        }
        audit.record(caller.actor(), "CheckOverridden", c.pipelineName != null ? "pipeline " + c.pipelineName + " " + c.phase
                : c.rolloutName != null ? "rollout " + c.rolloutName : "check " + id, "overridden", null, details);
        return view(c);
    }
}
