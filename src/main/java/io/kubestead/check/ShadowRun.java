package io.kubestead.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration applied to a schema-only copy of its target, statement by statement, with PostgreSQL itself reporting
 * what each statement did: the locks it took on which relation (pg_locks of its own transaction), the tables it
 * rewrote (relfilenode changed), the indexes it built, what it dropped, and its error. Between statements the stable
 * version's queries are planned again ({@code EXPLAIN (GENERIC_PLAN)}, or PREPARE and EXPLAIN EXECUTE under
 * {@code plan_cache_mode = force_generic_plan} before PostgreSQL 16): the first statement after which a query no
 * longer plans is the one that broke it. INSERTs are also checked for columns that became required (NOT NULL, no
 * default) without being given.
 *
 * <p>Plain JDBC, no container: the caller owns the shadow database and its connection.
 */
public final class ShadowRun {

    /** What the shadow never runs: it reaches past its own database, or the server's files and programs. */
    private static final Pattern NOT_IN_SHADOW = Pattern.compile(
            "(?is)^\\s*(?:(?:create|alter|drop)\\s+(?:database|role|user|group|tablespace|subscription|publication|server|user\\s+mapping)"
                    + "|alter\\s+system|copy\\b|load\\b|checkpoint\\b|reassign\\b|security\\s+label|import\\s+foreign)");

    public record Lock(String relation, String kind, String mode, boolean created) {
    }

    /** @param newlyRequired existing columns this statement made NOT NULL without a default (INSERTs that omit them fail) */
    public record Observed(int index, String sql, String outcome, List<Lock> locks, List<String> rewrites,
            List<String> indexesBuilt, List<String> dropped, List<String> newlyRequired, String error, String sqlState,
            String note, long millis) {
    }

    /** A stable query that stopped planning (or an INSERT that now misses a required column), and the statement after which it did. */
    public record Broken(String query, String phase, int statement, String error) {
    }

    public record Phase(String name, List<SqlStatement> statements, boolean observe) {
    }

    public record PhaseResult(String name, List<Observed> statements, List<Broken> broken) {
    }

    public record Result(List<String> copyGaps, List<PhaseResult> phases, int queries, int checked,
            List<String> notCheckable, long copyMillis, long applyMillis, long explainMillis) {
    }

    private final Connection c;
    private final int major;
    private long explainNanos;

    private ShadowRun(Connection c, int major) {
        this.c = c;
        this.major = major;
    }

    /**
     * Runs the phases in order on a shadow that already has the target's schema ({@link #copy}; {@code gaps} is what
     * the copy left out). A phase with observe=false only brings the schema to where the observed ones start, e.g.
     * expand before a contract.
     */
    public static Result run(Connection shadow, int shadowMajor, List<String> gaps, long copyMillis, List<Phase> phases,
            List<String> stableQueries, Duration statementTimeout) throws SQLException {
        ShadowRun run = new ShadowRun(shadow, shadowMajor);
        try (Statement s = shadow.createStatement()) {
            s.execute("set statement_timeout = " + Math.max(1, statementTimeout.toMillis()));
            s.execute("set plan_cache_mode = force_generic_plan");
            s.execute("set client_min_messages = error");
        }
        // everything in one transaction, rolled back at the end: the shadow is left as it was found
        shadow.setAutoCommit(false);
        try {
            return run.run(stableQueries, phases, gaps, copyMillis);
        } finally {
            if (!shadow.isClosed()) {
                shadow.rollback();
            }
        }
    }

    private Result run(List<String> stableQueries, List<Phase> phases, List<String> gaps, long copyMillis) throws SQLException {
        ShadowRun run = this;
        long t1 = System.nanoTime();
        Map<String, Query> queries = new LinkedHashMap<>();
        for (String q : stableQueries) {
            queries.putIfAbsent(q, new Query(q));
        }
        List<String> notCheckable = new ArrayList<>();
        for (Query q : queries.values()) {
            String error = run.explain(q);
            if (error != null) {
                q.ok = false;
                notCheckable.add(q.text + " — " + error);
            } else {
                q.required = run.missingRequired(q);
            }
        }
        List<PhaseResult> results = new ArrayList<>();
        for (Phase phase : phases) {
            run.created.clear();
            List<Observed> observed = new ArrayList<>();
            List<Broken> broken = new ArrayList<>();
            for (SqlStatement st : phase.statements()) {
                Observed o = run.apply(st);
                if (phase.observe()) {
                    observed.add(o);
                }
                if ("ran".equals(o.outcome()) && phase.observe()) {
                    broken.addAll(run.recheck(queries.values(), phase.name(), st.index(), o));
                } else if ("ran".equals(o.outcome())) {
                    // a prelude's own breakage is not this check's finding, but the queries must be judged on its result
                    for (Broken b : run.recheck(queries.values(), phase.name(), st.index(), o)) {
                        notCheckable.add(b.query() + " — already broken by the " + phase.name() + " phase");
                    }
                }
            }
            if (phase.observe()) {
                results.add(new PhaseResult(phase.name(), observed, broken));
            }
        }
        long t2 = System.nanoTime();
        int checked = (int) queries.values().stream().filter(q -> q.checked).count();
        return new Result(gaps, results, queries.size(), checked, notCheckable, copyMillis,
                (t2 - t1 - run.explainNanos) / 1_000_000, run.explainNanos / 1_000_000);
    }

    // ---- the copy

    /** Rebuilds a snapshot's schema in an empty database; returns what could not be copied. */
    public static List<String> copy(Connection c, SchemaCopy.Snapshot snapshot) throws SQLException {
        List<String> gaps = new ArrayList<>();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("set check_function_bodies = off");
            for (String ext : snapshot.extensions()) {
                s.execute("savepoint ks_copy");
                try {
                    s.execute("create extension if not exists " + ext);
                    s.execute("release savepoint ks_copy");
                } catch (SQLException e) {
                    s.execute("rollback to savepoint ks_copy");
                    gaps.add("extension " + ext + " is not available in the shadow (" + e.getSQLState() + ")");
                }
            }
            c.commit();
            // all at once first; statement by statement, in passes, only when that fails
            try {
                if (!snapshot.ddl().isEmpty()) {
                    s.execute(String.join(";\n", snapshot.ddl()));
                }
                c.commit();
                return gaps;
            } catch (SQLException e) {
                c.rollback();
            }
            s.execute("set check_function_bodies = off");
            List<String> pending = new ArrayList<>(snapshot.ddl());
            Map<String, String> errors = new HashMap<>();
            while (!pending.isEmpty()) {
                List<String> failed = new ArrayList<>();
                for (String ddl : pending) {
                    s.execute("savepoint ks_copy");
                    try {
                        s.execute(ddl);
                        s.execute("release savepoint ks_copy");
                    } catch (SQLException e) {
                        s.execute("rollback to savepoint ks_copy");
                        failed.add(ddl);
                        errors.put(ddl, firstLine(e.getMessage()));
                    }
                }
                if (failed.size() == pending.size()) {
                    for (String ddl : failed) {
                        gaps.add(shorten(ddl, 160) + " — " + errors.get(ddl));
                    }
                    break;
                }
                pending = failed;
            }
            c.commit();
        }
        return gaps;
    }

    // ---- one statement

    private record Rel(long oid, long filenode, String name, char kind, long table) {
    }

    /** Transaction control in the migration: the shadow's one transaction must neither end nor be split. */
    private static final Pattern TRANSACTION_CONTROL = Pattern.compile("(?is)^\\s*(?:begin|start\\s+transaction|commit|end|"
            + "rollback|abort|savepoint|release|prepare\\s+transaction|set\\s+(?:session\\s+)?transaction|set\\s+session\\s+"
            + "characteristics)\\b");

    /** The forms that may not run in a transaction but change the schema exactly as their plain form does. */
    private static final Pattern CONCURRENTLY = Pattern.compile("(?is)^(\\s*(?:create\\s+(?:unique\\s+)?index|drop\\s+index|"
            + "reindex\\s+(?:\\(.*?\\)\\s*)?(?:index|table|schema|database|system)|refresh\\s+materialized\\s+view))\\s+concurrently\\b");

    /** VACUUM FULL with its tables (group 1), in either option syntax. */
    private static final Pattern VACUUM_FULL = Pattern.compile(
            "(?is)^\\s*vacuum\\s+(?:\\([^)]*\\bfull\\b[^)]*\\)|full(?:\\s+(?:freeze|verbose|analyze))*)\\s*(.*)$");

    /**
     * VACUUM FULL cannot run in a transaction; what it does is documented: a new copy of each table under ACCESS
     * EXCLUSIVE. Reported as such for the tables it names that exist (all tables when it names none).
     */
    private Observed vacuumFull(SqlStatement st, String tables) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            Map<Long, Rel> rels = relations(s);
            if (tables.isBlank()) {
                rels.values().stream().filter(r -> r.kind() == 'r' || r.kind() == 'm').forEach(r -> names.add(r.name()));
            } else {
                for (String t : tables.split(",")) {
                    String name = t.replaceAll("\\(.*$", "").strip();
                    try (PreparedStatement ps = c.prepareStatement("select to_regclass(?)::oid")) {
                        ps.setString(1, name);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next() && rs.getObject(1) != null && rels.containsKey(rs.getLong(1))) {
                                names.add(rels.get(rs.getLong(1)).name());
                            }
                        }
                    }
                }
            }
        }
        List<Lock> locks = names.stream().map(n -> new Lock(n, "table", "ACCESS EXCLUSIVE", false)).toList();
        return new Observed(st.index(), st.sql(), "ran", locks, names, List.of(), List.of(), List.of(), null, null,
                "cannot run inside a transaction: as PostgreSQL documents it, it writes a new copy of each table under "
                        + "ACCESS EXCLUSIVE", 0);
    }

    private static Observed skipped(SqlStatement st, String note) {
        return new Observed(st.index(), st.sql(), "skipped", List.of(), List.of(), List.of(), List.of(), List.of(), null, null,
                note, 0);
    }

    /**
     * Runs one statement inside the shadow's transaction, under a savepoint of its own (a failing statement is
     * rolled back alone), and reads what it did.
     */
    private Observed apply(SqlStatement st) throws SQLException {
        String kind = st.kind() == null ? "" : st.kind().toUpperCase(Locale.ROOT);
        if (TRANSACTION_CONTROL.matcher(st.sql()).find()) {
            return skipped(st, "transaction control: the shadow runs the migration in one transaction of its own, "
                    + "rolled back at the end");
        }
        if (NOT_IN_SHADOW.matcher(st.sql()).find()) {
            return skipped(st, "not run in the shadow: it reaches beyond one database");
        }
        String sql = st.sql();
        String note = null;
        boolean concurrent = false;
        if (!st.transactional()) {
            Matcher full = VACUUM_FULL.matcher(sql);
            if (full.find()) {
                return vacuumFull(st, full.group(1));
            }
            Matcher m = CONCURRENTLY.matcher(sql);
            if (!m.find()) {
                return skipped(st, "cannot run inside a transaction and changes no schema (" + kind + ")");
            }
            sql = m.group(1) + sql.substring(m.end());
            concurrent = true;
            note = "run without CONCURRENTLY in the shadow's transaction (the same schema change); on the target it "
                    + "takes SHARE UPDATE EXCLUSIVE: reads and writes go on";
        }
        long t0 = System.nanoTime();
        Map<Long, Rel> before;
        Map<Long, Rel> after;
        Map<Long, String> heldBefore;
        Map<Long, String> heldAfter;
        Set<String> requiredBefore;
        Set<String> requiredAfter;
        try (Statement s = c.createStatement()) {
            s.execute("savepoint ks_statement");
            before = relations(s);
            requiredBefore = required(s);
            heldBefore = held(s, before, before);
            try {
                s.execute(sql);
            } catch (SQLException e) {
                s.execute("rollback to savepoint ks_statement");
                return new Observed(st.index(), st.sql(), "failed", List.of(), List.of(), List.of(), List.of(), List.of(),
                        firstLine(e.getMessage()), e.getSQLState(), note, (System.nanoTime() - t0) / 1_000_000);
            }
            requireOpenTransaction();
            after = relations(s);
            heldAfter = held(s, before, after);
            requiredAfter = required(s);
            s.execute("release savepoint ks_statement");
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<String> rewrites = new ArrayList<>();
        List<String> built = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        boolean truncate = kind.startsWith("TRUNCATE");
        for (Rel b : before.values()) {
            Rel a = after.get(b.oid());
            if (a == null) {
                dropped.add(describe(b));
            } else if (created.contains(b.oid()) || created.contains(b.table())) {
                continue; // made earlier in this migration: empty, nobody uses it yet
            } else if (b.filenode() != 0 && a.filenode() != b.filenode() && !truncate) {
                if (b.kind() == 'r' || b.kind() == 'm') {
                    rewrites.add(b.name());
                } else if (b.kind() == 'i' && !rewrites.contains(nameOf(before, b.table()))) {
                    built.add(b.name() + " (rebuilt) on " + nameOf(before, b.table()));
                }
            }
        }
        for (Rel a : after.values()) {
            if (!before.containsKey(a.oid()) && a.kind() == 'i' && before.containsKey(a.table()) && !created.contains(a.table())) {
                built.add(a.name() + " on " + nameOf(before, a.table()));
            }
        }
        // what this statement locked: the locks it added, and the ones it needed that an earlier statement holds
        List<Lock> locks = new ArrayList<>();
        if (!concurrent) {
            for (Map.Entry<Long, String> e : heldAfter.entrySet()) {
                Rel r = before.containsKey(e.getKey()) ? before.get(e.getKey()) : after.get(e.getKey());
                boolean added = !e.getValue().equals(heldBefore.get(e.getKey()));
                boolean worked = rewrites.contains(r.name()) || built.stream().anyMatch(b -> b.endsWith(" on " + r.name()))
                        || dropped.contains(describe(r)) || (!"AccessShareLock".equals(e.getValue()) && mentions(sql, r.name()));
                if (added || worked) {
                    String described = describe(r);
                    locks.add(new Lock(r.name(), described.substring(0, described.length() - r.name().length() - 1),
                            mode(e.getValue()), !before.containsKey(e.getKey()) || created.contains(e.getKey())));
                }
            }
        }
        for (Rel a : after.values()) {
            if (!before.containsKey(a.oid())) {
                created.add(a.oid());
            }
        }
        List<String> newlyRequired = new ArrayList<>();
        for (String col : requiredAfter) {
            String table = col.substring(0, col.lastIndexOf('.'));
            boolean existed = before.values().stream().anyMatch(r -> r.name().equals(table) && !created.contains(r.oid()));
            if (existed && !requiredBefore.contains(col)) {
                newlyRequired.add(col);
            }
        }
        // a rewrite rebuilds every index of the table: not news
        built.removeIf(b -> b.contains("(rebuilt)") && rewrites.stream().anyMatch(r -> b.endsWith(" on " + r)));
        return new Observed(st.index(), st.sql(), "ran", locks, rewrites, built, dropped, newlyRequired, null, null, note,
                millis);
    }

    /** Whether the statement names the relation (a lock it needs may be held since an earlier statement). */
    static boolean mentions(String sql, String relation) {
        String bare = bare(relation);
        return Pattern.compile("(?i)(?<![\\w$])\"?" + Pattern.quote(bare) + "\"?(?![\\w$])").matcher(sql).find();
    }

    /** SQLSTATE of a run whose transaction the migration ended: its shadow no longer holds the target's schema. */
    public static final String ENDED = "25000";

    /** The migration must not have ended the shadow's transaction: then its changes would stay in the template. */
    private void requireOpenTransaction() throws SQLException {
        if (c.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState() == org.postgresql.core.TransactionState.IDLE) {
            throw new SQLException("the migration ended the shadow's transaction", ENDED);
        }
    }

    /** Relations made by earlier statements of this run: changes to them concern nobody yet. */
    private final Set<Long> created = new java.util.HashSet<>();

    /** Every column that an INSERT must give: NOT NULL, no default, not identity, not generated ("table.column"). */
    private Set<String> required(Statement s) throws SQLException {
        Set<String> out = new java.util.HashSet<>();
        try (ResultSet rs = s.executeQuery("select n.nspname || '.' || c.relname, a.attname from pg_attribute a "
                + "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
                + "left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where c.relkind in ('r', 'p') "
                + "and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)' "
                + "and a.attnum > 0 and not a.attisdropped and a.attnotnull and d.adbin is null and a.attidentity = '' "
                + "and a.attgenerated = ''")) {
            while (rs.next()) {
                String t = rs.getString(1);
                out.add((t.startsWith("public.") ? t.substring(7) : t) + "." + rs.getString(2));
            }
        }
        return out;
    }

    private static String nameOf(Map<Long, Rel> rels, long oid) {
        Rel r = rels.get(oid);
        return r == null ? "?" : r.name();
    }

    private static String describe(Rel r) {
        return switch (r.kind()) {
            case 'i', 'I' -> "index " + r.name();
            case 'v' -> "view " + r.name();
            case 'm' -> "materialized view " + r.name();
            case 'S' -> "sequence " + r.name();
            default -> "table " + r.name();
        };
    }

    private Map<Long, Rel> relations(Statement s) throws SQLException {
        Map<Long, Rel> rels = new HashMap<>();
        try (ResultSet rs = s.executeQuery("select c.oid, c.relfilenode, n.nspname || '.' || c.relname, c.relkind, "
                + "coalesce(i.indrelid, 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                + "left join pg_index i on i.indexrelid = c.oid where n.nspname not in ('pg_catalog', 'information_schema') "
                + "and n.nspname !~ '^pg_(toast|temp)' and c.relkind in ('r', 'p', 'm', 'i', 'I', 'S', 'v', 'f')")) {
            while (rs.next()) {
                String name = rs.getString(3);
                rels.put(rs.getLong(1), new Rel(rs.getLong(1), rs.getLong(2), name.startsWith("public.") ? name.substring(7) : name,
                        rs.getString(4).charAt(0), rs.getLong(5)));
            }
        }
        return rels;
    }

    private static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
            "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");

    /** The strongest lock this transaction holds on each user relation (PostgreSQL's own catalogs left out). */
    private Map<Long, String> held(Statement s, Map<Long, Rel> before, Map<Long, Rel> now) throws SQLException {
        Map<Long, String> strongest = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("select l.relation, l.mode from pg_locks l where l.pid = pg_backend_pid() "
                + "and l.locktype = 'relation' and l.granted and l.database = (select oid from pg_database where datname = current_database()) "
                + "order by l.relation")) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                if (before.containsKey(oid) || now.containsKey(oid)) {
                    strongest.merge(oid, rs.getString(2), (a, b) -> MODES.indexOf(a) >= MODES.indexOf(b) ? a : b);
                }
            }
        }
        return strongest;
    }

    /** "AccessExclusiveLock" → "ACCESS EXCLUSIVE". */
    static String mode(String lock) {
        return lock.replace("Lock", "").replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }

    /** Whether a lock mode blocks the table's writers (and with ACCESS EXCLUSIVE, its readers too). */
    static boolean blocksWrites(String mode) {
        return List.of("SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE").contains(mode);
    }

    // ---- stable queries

    private static final class Query {
        final String text;
        final String lower;
        final int params;
        final Insert insert;
        boolean ok = true;
        boolean checked;
        Set<String> required = Set.of();

        Query(String text) {
            this.text = text;
            this.lower = text.toLowerCase(Locale.ROOT);
            int max = 0;
            Matcher m = PARAM.matcher(text);
            while (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
            this.params = Math.min(max, 1000);
            this.insert = Insert.of(text);
        }
    }

    private static final Pattern PARAM = Pattern.compile("\\$(\\d{1,4})");

    /** The stable queries this statement may have broken, planned again. */
    private List<Broken> recheck(Iterable<Query> queries, String phase, int statement, Observed o) throws SQLException {
        Set<String> touched = new LinkedHashSet<>();
        for (Lock l : o.locks()) {
            if (!"ACCESS SHARE".equals(l.mode())) {
                touched.add(bare(l.relation()));
            }
        }
        o.dropped().forEach(d -> touched.add(bare(d.substring(d.lastIndexOf(' ') + 1))));
        o.rewrites().forEach(r -> touched.add(bare(r)));
        // without an observed relation lock (functions, types, statements outside a transaction) any query may be hit
        boolean all = touched.isEmpty();
        List<Broken> broken = new ArrayList<>();
        for (Query q : queries) {
            if (!q.ok || !(all || touched.stream().anyMatch(q.lower::contains))) {
                continue;
            }
            String error = explain(q);
            if (error != null) {
                q.ok = false;
                broken.add(new Broken(q.text, phase, statement, error));
                continue;
            }
            if (q.insert != null) {
                Set<String> missing = new LinkedHashSet<>(missingRequired(q));
                missing.removeAll(q.required);
                if (!missing.isEmpty()) {
                    q.ok = false;
                    broken.add(new Broken(q.text, phase, statement, "the INSERT gives no value for " + String.join(", ", missing)
                            + ", which is now NOT NULL without a default: every such INSERT fails"));
                }
            }
        }
        return broken;
    }

    private static String bare(String relation) {
        String r = relation.toLowerCase(Locale.ROOT);
        return r.substring(r.lastIndexOf('.') + 1);
    }

    /** Plans a query generically; null when it plans, else PostgreSQL's error. */
    private String explain(Query q) throws SQLException {
        long t0 = System.nanoTime();
        q.checked = true;
        try (Statement s = c.createStatement()) {
            // inside the shadow's transaction: a query that does not plan is rolled back to its savepoint
            s.execute("savepoint ks_query");
            try {
                if (major >= 16) {
                    s.execute("explain (generic_plan) " + q.text);
                } else {
                    s.execute("prepare ks_stable as " + q.text);
                    s.execute("explain execute ks_stable" + (q.params == 0 ? "" : "(" + String.join(", ",
                            java.util.Collections.nCopies(q.params, "null")) + ")"));
                }
                s.execute("release savepoint ks_query");
                return null;
            } catch (SQLException e) {
                s.execute("rollback to savepoint ks_query");
                return firstLine(e.getMessage()) + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
            } finally {
                if (major < 16) {
                    // prepared statements outlive savepoints
                    s.execute("deallocate all");
                }
            }
        } finally {
            explainNanos += System.nanoTime() - t0;
        }
    }

    /** The INSERT's table's columns that are NOT NULL without a default and that it does not give. */
    private Set<String> missingRequired(Query q) throws SQLException {
        if (q.insert == null) {
            return Set.of();
        }
        Set<String> missing = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select a.attname, a.attnum from pg_attribute a "
                + "left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where a.attrelid = to_regclass(?) "
                + "and a.attnum > 0 and not a.attisdropped and a.attnotnull and d.adbin is null and a.attidentity = '' "
                + "and a.attgenerated = '' order by a.attnum")) {
            ps.setString(1, q.insert.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String col = rs.getString(1);
                    boolean given = q.insert.columns() == null ? rs.getInt(2) <= q.insert.values()
                            : q.insert.columns().contains(col);
                    if (!given) {
                        missing.add(col);
                    }
                }
            }
        }
        return missing;
    }

    /** The table and columns of an INSERT, read from its text; values is the count of a single VALUES row. */
    record Insert(String table, List<String> columns, int values) {
        private static final Pattern HEAD = Pattern.compile(
                "(?is)^\\s*insert\\s+into\\s+((?:\"(?:[^\"]|\"\")+\"|[\\w$]+)(?:\\s*\\.\\s*(?:\"(?:[^\"]|\"\")+\"|[\\w$]+))?)"
                        + "(?:\\s+(?:as\\s+)?[\\w$]+)?\\s*(\\(([^()]*)\\))?\\s*(.*)$");

        static Insert of(String text) {
            Matcher m = HEAD.matcher(text);
            if (!m.find()) {
                return null;
            }
            String table = m.group(1).replaceAll("\\s+", "");
            List<String> columns = null;
            if (m.group(2) != null) {
                columns = new ArrayList<>();
                for (String col : m.group(3).split(",")) {
                    columns.add(identifier(col.strip()));
                }
            }
            int values = Integer.MAX_VALUE;
            String rest = m.group(4);
            Matcher v = Pattern.compile("(?is)^values\\s*\\(([^()]*)\\)").matcher(rest == null ? "" : rest);
            if (columns == null && v.find()) {
                values = v.group(1).split(",").length;
            }
            return new Insert(table, columns, values);
        }

        static String identifier(String s) {
            return s.startsWith("\"") && s.endsWith("\"") && s.length() > 1 ? s.substring(1, s.length() - 1).replace("\"\"", "\"")
                    : s.toLowerCase(Locale.ROOT);
        }
    }

    /** The text on one line (whitespace collapsed), cut to {@code max} characters with an ellipsis. */
    public static String shorten(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    static String firstLine(String message) {
        if (message == null) {
            return "error";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.startsWith("ERROR: ") ? line.substring(7) : line;
    }
}
