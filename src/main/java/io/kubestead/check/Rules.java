package io.kubestead.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kubestead.check.Action.AddColumn;
import io.kubestead.check.Action.AddConstraint;
import io.kubestead.check.Action.ChangeType;
import io.kubestead.check.Action.ConstraintType;
import io.kubestead.check.Action.RenameColumn;
import io.kubestead.common.ApiException;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;
import io.kubestead.pipeline.SqlFragments;

/**
 * The rules, applied to the actions of a migration's statements in order. See {@link Lint} for what each one means and
 * the model of locks and transactions behind them.
 */
final class Rules {

    static final String BREAKING = "breaking";
    static final String LOCKING = "locking";
    static final String PRACTICE = "practice";

    /** Functions whose value differs per row: as a new column's default they make PostgreSQL rewrite the table. */
    static final Set<String> VOLATILE_FUNCTIONS = Set.of("random", "random_normal", "clock_timestamp", "timeofday",
            "gen_random_uuid", "gen_random_bytes", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
            "uuidv4", "uuidv7", "nextval", "txid_current", "txid_current_if_assigned", "pg_current_xact_id");

    static final Set<String> SERIAL_TYPES = Set.of("serial", "bigserial", "smallserial", "serial2", "serial4", "serial8");

    private final List<SqlStatement> statements;
    private final List<List<Action>> actions;
    private final List<Finding> findings = new ArrayList<>();

    /** Tables, indexes, views and types created earlier in the migration, by {@link #key}. */
    private final Set<String> created = new HashSet<>();
    /** Columns added earlier in the migration, as key(table) + "|" + column. */
    private final Set<String> addedColumns = new HashSet<>();
    /** Columns a valid CHECK (c IS NOT NULL) covers, and such checks still NOT VALID, by key(table) + "|" + name. */
    private final Set<String> provenNotNull = new HashSet<>();
    private final Map<String, String> pendingNotNullChecks = new HashMap<>();

    private boolean sessionTimeout;
    private Boolean localTimeout;
    private boolean timeoutReported;

    private boolean explicitBlock;
    /** A lock blocking writes taken on an existing relation (null: every table) in the current transaction. */
    private record Taken(int statement, String relation, LockMode mode) {
    }

    private final List<Taken> blockLocks = new ArrayList<>();

    private int index;
    private SqlStatement statement;

    /** Past this instant (System.nanoTime) no more recipes are checked: each check may take the fragment budget. */
    private final long recipeDeadline;

    private Rules(List<SqlStatement> statements, List<List<Action>> actions, long recipeDeadline) {
        this.statements = statements;
        this.actions = actions;
        this.recipeDeadline = recipeDeadline;
    }

    static List<Finding> apply(List<SqlStatement> statements, List<List<Action>> actions, long recipeDeadline) {
        Rules r = new Rules(statements, actions, recipeDeadline);
        r.run();
        // a transaction's finding is made when it ends; keep the list in statement order
        r.findings.sort(Comparator.comparing(Finding::statement));
        return r.findings;
    }

    private void run() {
        for (int i = 0; i < statements.size(); i++) {
            index = i;
            statement = statements.get(i);
            if (!statement.transactional()) {
                if (explicitBlock) {
                    add("non-transactional-in-transaction", Severity.error, PRACTICE, null,
                            statement.kind() + " cannot run inside a transaction block: PostgreSQL refuses it (\"" + statement.kind()
                                    + " cannot run inside a transaction block\") and the migration fails at this statement.",
                            "Move it after the COMMIT that ends the block, as a statement of its own; PostgreSQL runs it in "
                                    + "its own transaction(s).", null);
                }
                endBlock();
            }
            if (statement.kind().equals("DO")) {
                add("do-block", Severity.info, PRACTICE, null,
                        "DO runs a procedural block whose statements this check does not read: what it locks or changes "
                                + "is not reported here.",
                        "Write schema changes as plain statements of the migration, so that each one is checked; keep DO "
                                + "blocks for data changes.", null);
            }
            for (Action a : actions.get(i)) {
                action(a);
            }
            if (!statement.transactional()) {
                endBlock();
            }
        }
        endBlock();
    }

    // ---- names ----

    /** The same relation whether written with the default schema or without. */
    static String key(String name) {
        return name == null ? "" : name.startsWith("public.") ? name.substring("public.".length()) : name;
    }

    private boolean isNew(String relation) {
        return relation != null && created.contains(key(relation));
    }

    private boolean isNewColumn(String table, String column) {
        return isNew(table) || addedColumns.contains(key(table) + "|" + column);
    }

    // ---- one action ----

    private void action(Action a) {
        if (a instanceof Action.Begin) {
            endBlock();
            explicitBlock = true;
        } else if (a instanceof Action.Commit) {
            endBlock();
            explicitBlock = false;
        } else if (a instanceof Action.LockTimeout t) {
            if (t.local()) {
                localTimeout = t.set();
            } else {
                sessionTimeout = t.set();
                localTimeout = null;
            }
        } else {
            check(a);
            takeLocks(a);
            remember(a);
        }
    }

    /** What the migration creates, so that later statements on it are not held against it. */
    private void remember(Action a) {
        if (a instanceof Action.CreateTable t) {
            created.add(key(t.table()));
        } else if (a instanceof Action.CreateView v) {
            created.add(key(v.view()));
        } else if (a instanceof Action.CreateType t) {
            created.add(key(t.type()));
        } else if (a instanceof Action.CreateIndex i && i.index() != null) {
            created.add(key(i.index()));
        } else if (a instanceof Action.RenameTable r && isNew(r.table())) {
            created.add(key(r.to()));
        } else if (a instanceof AddColumn c) {
            addedColumns.add(key(c.table()) + "|" + c.column());
        } else if (a instanceof AddConstraint c && c.type() == ConstraintType.CHECK && c.notNullColumn() != null) {
            if (c.notValid()) {
                pendingNotNullChecks.put(key(c.table()) + "|" + c.name(), c.notNullColumn());
            } else {
                provenNotNull.add(key(c.table()) + "|" + c.notNullColumn());
            }
        } else if (a instanceof Action.ValidateConstraint v) {
            String column = pendingNotNullChecks.remove(key(v.table()) + "|" + v.name());
            if (column != null) {
                provenNotNull.add(key(v.table()) + "|" + column);
            }
        }
    }

    private void check(Action a) {
        if (a instanceof RenameColumn r && !isNewColumn(r.table(), r.from())) {
            renameColumn(r);
        } else if (a instanceof Action.RenameTable r && !isNew(r.table()) && !viewReplacesLater(r.table())) {
            add("rename-table", Severity.error,
                    BREAKING, r.table(),
                    "Renames table " + r.table() + " to " + r.to() + ": the version still running queries " + r.table()
                            + " and fails with \"relation does not exist\" until every instance runs the new version.",
                    "In one transaction, ALTER TABLE " + r.table() + " RENAME TO " + r.to() + " and CREATE VIEW " + r.table()
                            + " AS SELECT * FROM " + r.to() + " (a single-table view is updatable, so the running version keeps "
                            + "reading and writing); release the version that uses " + r.to() + ", then DROP VIEW " + r.table()
                            + " in a later migration.", null);
        } else if (a instanceof Action.DropColumn d && !isNewColumn(d.table(), d.column())) {
            add("drop-column", Severity.error, BREAKING, d.table(),
                    "Drops column " + d.column() + " of " + d.table() + ": queries of the version still running that name "
                            + d.column() + " fail with \"column does not exist\", and its data is gone.",
                    "Stop reading and writing " + d.column() + " in a release first (ORMs: mark it ignored), then drop it "
                            + "in a pipeline's contract phase: ALTER TABLE " + d.table() + " DROP COLUMN " + d.column() + ".", null);
        } else if (a instanceof Action.DropTable d && !isNew(d.table())) {
            add("drop-table", Severity.error, BREAKING, d.table(),
                    "Drops table " + d.table() + ": the version still running fails on every query of it, and its data is gone.",
                    "Stop using " + d.table() + " in a release first, then DROP TABLE " + d.table()
                            + " in a later migration (a pipeline's contract phase); keep a dump if the data may be needed.", null);
        } else if (a instanceof ChangeType c && !isNewColumn(c.table(), c.column())) {
            changeType(c);
        } else if (a instanceof AddColumn c && !isNew(c.table())) {
            addColumn(c);
        } else if (a instanceof Action.DropDefault d && !isNewColumn(d.table(), d.column())) {
            add("drop-default", Severity.warning, BREAKING,
                    d.table(),
                    "Drops the default of " + d.table() + "." + d.column() + ": INSERTs of the version still running that "
                            + "leave " + d.column() + " out now store NULL, or fail if the column is NOT NULL.",
                    "Release a version that always writes " + d.column() + " first, then ALTER TABLE " + d.table()
                            + " ALTER COLUMN " + d.column() + " DROP DEFAULT.", null);
        } else if (a instanceof Action.Truncate t && !isNew(t.table())) {
            add("truncate", Severity.error, BREAKING, t.table(),
                    "Empties " + t.table() + " under ACCESS EXCLUSIVE: every row the version still running reads is gone, "
                            + "and rolling the release back does not bring the rows back.",
                    "Remove data the application no longer needs with batched DELETE ... WHERE id IN (SELECT id FROM "
                            + t.table() + " WHERE ... LIMIT 1000), or drop the table once a release has stopped using it.", null);
        } else if (a instanceof Action.SetNotNull s && !isNew(s.table()) && !provenNotNull.contains(key(s.table()) + "|" + s.column())) {
            setNotNull(s);
        } else if (a instanceof AddConstraint c && !isNew(c.table())) {
            addConstraint(c);
        } else if (a instanceof Action.CreateIndex i && !i.concurrently() && !isNew(i.table())) {
            add("create-index-non-concurrently",
                    Severity.warning, LOCKING, i.table(),
                    "Builds index " + (i.index() == null ? "" : i.index() + " ") + "on " + i.table() + " without CONCURRENTLY: "
                            + "the build holds a SHARE lock, so every INSERT, UPDATE and DELETE on " + i.table()
                            + " waits until it has read the whole table and sorted it.",
                    "CREATE INDEX CONCURRENTLY " + (i.index() == null ? "" : i.index() + " ") + "ON " + i.table() + " (...) "
                            + "as a statement of its own, outside BEGIN ... COMMIT (it cannot run in a transaction block); "
                            + "if it fails, DROP INDEX CONCURRENTLY the invalid index and run it again.", null);
        } else if (a instanceof Action.DropIndex d && !d.concurrently() && !isNew(d.index())) {
            add("drop-index-non-concurrently",
                    Severity.warning, LOCKING, d.index(),
                    "Drops index " + d.index() + " without CONCURRENTLY: it takes ACCESS EXCLUSIVE on the index's table, "
                            + "so every read and write of the table waits, also behind any long query still using it.",
                    "DROP INDEX CONCURRENTLY " + d.index() + " as a statement of its own, outside BEGIN ... COMMIT.", null);
        } else if (a instanceof Action.Reindex r && !r.concurrently() && !isNew(r.name())) {
            add("reindex-non-concurrently", Severity.warning,
                    LOCKING, r.name(),
                    "REINDEX " + r.target() + (r.name() == null ? "" : " " + r.name()) + " without CONCURRENTLY: the rebuild "
                            + "blocks writes to the table and, holding each index exclusively, every query that would use it.",
                    "REINDEX " + r.target() + " CONCURRENTLY" + (r.name() == null ? "" : " " + r.name())
                            + " (PostgreSQL 12+), outside BEGIN ... COMMIT; reads and writes continue while it runs.", null);
        } else if (a instanceof Action.Refresh r && !r.concurrently() && !isNew(r.view())) {
            add("refresh-materialized-view-non-concurrently",
                    Severity.warning, LOCKING, r.view(),
                    "REFRESH MATERIALIZED VIEW " + r.view() + " holds ACCESS EXCLUSIVE on it: every query of " + r.view()
                            + " waits until the whole query behind it has run again.",
                    "Give " + r.view() + " a unique index (once: CREATE UNIQUE INDEX CONCURRENTLY ... ON " + r.view()
                            + " (...)), then REFRESH MATERIALIZED VIEW CONCURRENTLY " + r.view() + ", which lets reads continue.", null);
        } else if (a instanceof Action.VacuumFull v && !isNew(v.table())) {
            add("vacuum-full", Severity.warning, LOCKING, v.table(),
                    "VACUUM FULL " + (v.table() == null ? "rewrites every table" : "rewrites " + v.table())
                            + " into new files while holding ACCESS EXCLUSIVE: reads and writes wait for the whole copy, "
                            + "and it needs room for a second copy on disk.",
                    "Use plain VACUUM " + (v.table() == null ? "" : v.table() + " ") + "(it blocks neither reads nor writes) so "
                            + "that freed space is reused; if the space must go back to the operating system, copy the rows "
                            + "in batches into a new table and swap the names in a short transaction.", null);
        } else if (a instanceof Action.Cluster cl && !isNew(cl.table())) {
            add("cluster", Severity.warning, LOCKING, cl.table(),
                    "CLUSTER " + (cl.table() == null ? "rewrites every clustered table" : "rewrites " + cl.table())
                            + " in index order while holding ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite.",
                    "Leave CLUSTER out of migrations: a query that needs the order can use the index; if the physical "
                            + "order matters, copy the rows ordered, in batches, into a new table and swap the names.", null);
        } else if (a instanceof Action.LockTable l && l.mode().blocksWrites() && !isNew(l.table())) {
            add("lock-table", Severity.warning,
                    LOCKING, l.table(),
                    "LOCK TABLE " + l.table() + " IN " + l.mode().label() + " MODE blocks "
                            + (l.mode().blocksReads() ? "every read and write" : "every INSERT, UPDATE and DELETE") + " of "
                            + l.table() + " until the transaction ends.",
                    "Leave explicit locks out of migrations; if a data change needs one, SET LOCAL lock_timeout first, keep "
                            + "the transaction short, and take the weakest mode that is enough (SHARE UPDATE EXCLUSIVE "
                            + "blocks neither reads nor writes).", null);
        } else if (a instanceof Action.EnumRenameValue e && !isNew(e.type())) {
            add("enum-value-change", Severity.error, BREAKING, e.type(),
                    "Renames value '" + e.from() + "' of type " + e.type() + " to '" + e.to() + "': the version still running "
                            + "writes and compares '" + e.from() + "', which now fails with \"invalid input value for enum\".",
                    "ALTER TYPE " + e.type() + " ADD VALUE '" + e.to() + "' in a migration of its own, release a version that "
                            + "reads both values and writes '" + e.to() + "', then UPDATE the rows from '" + e.from()
                            + "' in batches; the old value can only be removed by recreating the type.", null);
        } else if (a instanceof Action.EnumAddValue e && !isNew(e.type())) {
            add("enum-value-change", Severity.warning, PRACTICE, e.type(),
                    "Adds value '" + e.value() + "' to type " + e.type() + ": it cannot be used before this transaction "
                            + "commits (\"unsafe use of new value\"), and the version still running may not know it when it "
                            + "reads rows that carry it.",
                    "Run ALTER TYPE " + e.type() + " ADD VALUE '" + e.value() + "' in a migration (or transaction) of its own, "
                            + "and release a version that accepts '" + e.value() + "' before any code writes it.", null);
        } else if (a instanceof Action.DropType d && !isNew(d.type())) {
            add("drop-type", Severity.error, BREAKING, d.type(),
                    "Drops type " + d.type() + ": queries and casts of the version still running that use it fail, and "
                            + "columns of the type block the drop (or, with CASCADE, are dropped with their data).",
                    "Stop using " + d.type() + " in a release first, then DROP TYPE " + d.type() + " in a later migration.", null);
        }
    }

    /** Whether a later statement creates a view with this name, keeping the old name working. */
    private boolean viewReplacesLater(String table) {
        for (int i = index + 1; i < actions.size(); i++) {
            for (Action a : actions.get(i)) {
                if (a instanceof Action.CreateView v && key(v.view()).equals(key(table))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void renameColumn(RenameColumn r) {
        Map<String, Object> recipe = null;
        if (pipelineTable(r.table()) && Cursor.plain(r.from()) && Cursor.plain(r.to()) && !r.from().equals(r.to())) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("table", r.table());
            change.put("from", r.from());
            change.put("to", r.to());
            recipe = Map.of("renameColumn", change);
        }
        add("rename-column", Severity.error, BREAKING, r.table(),
                "Renames column " + r.from() + " of " + r.table() + " to " + r.to() + ": the version still running reads and "
                        + "writes " + r.from() + " and fails with \"column does not exist\" until every instance runs the new version.",
                "Rename in expand-migrate-contract steps: add " + r.to() + ", keep both columns equal with a trigger and "
                        + "backfill it, release the version that uses " + r.to() + ", then drop " + r.from()
                        + (recipe == null ? "." : "; a Kubestead pipeline with change.renameColumn does exactly this."),
                recipe);
    }

    private void changeType(ChangeType c) {
        String using = c.using() != null ? c.using() : c.column() + "::" + c.type();
        Map<String, Object> recipe = null;
        if (pipelineTable(c.table()) && Cursor.plain(c.column()) && c.type().length() <= 200 && using.length() <= 2000
                && System.nanoTime() - recipeDeadline < 0
                && fragmentPasses(() -> SqlFragments.requireTypeName("newType", c.type()))
                && fragmentPasses(() -> SqlFragments.requireExpression("using", using))) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("table", c.table());
            change.put("column", c.column());
            change.put("newType", c.type());
            change.put("using", using);
            recipe = Map.of("changeColumnType", change);
        }
        add("change-column-type", Severity.error, BREAKING, c.table(),
                "Changes the type of " + c.table() + "." + c.column() + " to " + c.type() + ": unless the change is binary "
                        + "compatible (varchar(n) to a larger n or to text), PostgreSQL rewrites the table and its indexes "
                        + "while holding ACCESS EXCLUSIVE, and the version still running may read or write values of the old type.",
                "Change it in expand-migrate-contract steps: add a column of type " + c.type() + ", fill it from " + c.column()
                        + " with a trigger and a batched backfill (" + using + "), release the version that uses it, then "
                        + "drop " + c.column() + (recipe == null ? "." : "; a Kubestead pipeline with change.changeColumnType does exactly this."),
                recipe);
    }

    private static boolean fragmentPasses(Runnable check) {
        try {
            check.run();
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** A table name a pipeline request accepts: lowercase, at most schema-qualified, not one of PostgreSQL's own. */
    private static boolean pipelineTable(String table) {
        if (!Cursor.plain(table) || table.chars().filter(ch -> ch == '.').count() > 1) {
            return false;
        }
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        return schema == null ? !table.startsWith("pg_") : !schema.startsWith("pg_") && !schema.equals("information_schema");
    }

    private void addColumn(AddColumn c) {
        String typeWord = c.type().split("[ (\\[]", 2)[0];
        boolean serial = SERIAL_TYPES.contains(typeWord);
        if (c.notNull() && c.defaultExpr() == null && c.generated() == null && !serial) {
            add("add-column-not-null-without-default", Severity.error, BREAKING, c.table(),
                    "Adds " + c.table() + "." + c.column() + " as NOT NULL without a default: INSERTs of the version still "
                            + "running leave " + c.column() + " out and fail with a not-null violation (and on a table with "
                            + "rows the statement itself fails).",
                    "ALTER TABLE " + c.table() + " ADD COLUMN " + c.column() + " " + c.type() + " NOT NULL DEFAULT <constant> "
                            + "(PostgreSQL 11+ adds it without a rewrite), or add it nullable, backfill it, and set NOT NULL "
                            + "once every writer sets it.", null);
        }
        String reason = rewriteReason(c, serial);
        if (reason != null) {
            add("volatile-default", Severity.warning, LOCKING, c.table(),
                    "Adds " + c.table() + "." + c.column() + " with " + reason + ": PostgreSQL computes a value for every "
                            + "existing row, rewriting " + c.table() + " and its indexes while holding ACCESS EXCLUSIVE (reads "
                            + "and writes wait for the whole rewrite).",
                    rewriteFix(c, serial), null);
        }
        if (c.check()) {
            add("constraint-without-not-valid", Severity.warning, LOCKING, c.table(),
                    "Adds " + c.table() + "." + c.column() + " with a CHECK constraint: PostgreSQL checks it against every "
                            + "existing row while holding ACCESS EXCLUSIVE.",
                    "Add the column without the CHECK, then ALTER TABLE " + c.table() + " ADD CONSTRAINT ... CHECK (...) NOT VALID "
                            + "and, in a later transaction, ALTER TABLE " + c.table() + " VALIDATE CONSTRAINT ..., which lets "
                            + "reads and writes continue.", null);
        }
        if (c.references() != null) {
            foreignKey(c.table(), c.references(), "the new column " + c.column(),
                    "Add the column without REFERENCES, then ALTER TABLE " + c.table() + " ADD CONSTRAINT ... FOREIGN KEY ("
                            + c.column() + ") REFERENCES " + c.references() + " (...) NOT VALID and, in a later transaction, "
                            + "ALTER TABLE " + c.table() + " VALIDATE CONSTRAINT ....");
        }
        if (c.unique()) {
            add("unique-constraint-without-index", Severity.warning, LOCKING, c.table(),
                    "Adds " + c.table() + "." + c.column() + " as UNIQUE or PRIMARY KEY: PostgreSQL builds its index while "
                            + "holding ACCESS EXCLUSIVE, so reads and writes wait for the whole build.",
                    "Add the column plain, CREATE UNIQUE INDEX CONCURRENTLY ... ON " + c.table() + " (" + c.column()
                            + ") outside a transaction block, then ALTER TABLE " + c.table() + " ADD CONSTRAINT ... UNIQUE "
                            + "USING INDEX ... (a brief lock).", null);
        }
    }

    /** Why adding this column rewrites the table, or null if it does not. */
    private static String rewriteReason(AddColumn c, boolean serial) {
        if ("identity".equals(c.generated())) {
            return "GENERATED ... AS IDENTITY, which numbers every existing row";
        }
        if ("stored".equals(c.generated())) {
            return "a stored generated expression (GENERATED ALWAYS AS (...) STORED)";
        }
        if (serial) {
            return "type " + c.type() + ", whose default nextval(...) gives every existing row its own value";
        }
        String call = volatileCall(c.defaultExpr());
        return call == null ? null : "the volatile default " + c.defaultExpr() + " (" + call + "() differs per row)";
    }

    private static String rewriteFix(AddColumn c, boolean serial) {
        String t = c.table();
        if ("identity".equals(c.generated()) || serial) {
            return "Add a plain bigint column, fill it in batches from a sequence, make it NOT NULL through a validated "
                    + "CHECK (" + c.column() + " IS NOT NULL), then ALTER TABLE " + t + " ALTER COLUMN " + c.column()
                    + " ADD GENERATED BY DEFAULT AS IDENTITY (or SET DEFAULT nextval(...)), which does not rewrite, and move "
                    + "the sequence past the largest value.";
        }
        if ("stored".equals(c.generated())) {
            return "Add a plain nullable column, keep it computed by a BEFORE INSERT OR UPDATE trigger, and fill the "
                    + "existing rows with batched UPDATEs.";
        }
        return "ALTER TABLE " + t + " ADD COLUMN " + c.column() + " " + c.type() + " (no default, or a constant one), then "
                + "ALTER TABLE " + t + " ALTER COLUMN " + c.column() + " SET DEFAULT " + c.defaultExpr()
                + " for new rows, and fill existing rows with batched UPDATEs.";
    }

    /** The first call of a volatile function in an expression, or null. */
    static String volatileCall(String expression) {
        if (expression == null) {
            return null;
        }
        List<Token> tokens = Cursor.tokens(expression);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.WORD && tokens.get(i + 1).is('(')
                    && VOLATILE_FUNCTIONS.contains(t.text().toLowerCase(Locale.ROOT))) {
                return t.text().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private void setNotNull(Action.SetNotNull s) {
        String check = s.table().substring(s.table().lastIndexOf('.') + 1).replace("\"", "") + "_" + s.column().replace("\"", "")
                + "_not_null";
        add("set-not-null", Severity.warning, LOCKING, s.table(),
                "Sets " + s.table() + "." + s.column() + " NOT NULL: PostgreSQL scans the whole table for NULLs while "
                        + "holding ACCESS EXCLUSIVE, so reads and writes wait for the scan.",
                "ALTER TABLE " + s.table() + " ADD CONSTRAINT " + check + " CHECK (" + s.column() + " IS NOT NULL) NOT VALID; "
                        + "COMMIT; ALTER TABLE " + s.table() + " VALIDATE CONSTRAINT " + check + " (reads and writes continue); "
                        + "then ALTER TABLE " + s.table() + " ALTER COLUMN " + s.column() + " SET NOT NULL, which PostgreSQL 12+ "
                        + "proves from the valid check without a scan, and ALTER TABLE " + s.table() + " DROP CONSTRAINT "
                        + check + ".", null);
    }

    private void addConstraint(AddConstraint c) {
        String named = c.name() == null ? "" : " " + c.name();
        switch (c.type()) {
            case CHECK -> {
                if (!c.notValid()) {
                    add("constraint-without-not-valid", Severity.warning, LOCKING, c.table(),
                            "Adds CHECK constraint" + named + " to " + c.table() + " without NOT VALID: PostgreSQL checks every "
                                    + "existing row while holding ACCESS EXCLUSIVE, so reads and writes wait for the scan.",
                            "ALTER TABLE " + c.table() + " ADD CONSTRAINT" + (named.isEmpty() ? " <name>" : named)
                                    + " CHECK (...) NOT VALID (checks new writes only, brief lock), then in a later transaction "
                                    + "ALTER TABLE " + c.table() + " VALIDATE CONSTRAINT" + (named.isEmpty() ? " <name>" : named)
                                    + ", which takes SHARE UPDATE EXCLUSIVE: reads and writes continue.", null);
                }
            }
            case FOREIGN_KEY -> {
                if (!c.notValid()) {
                    foreignKey(c.table(), c.references(), "foreign key" + named,
                            "ALTER TABLE " + c.table() + " ADD CONSTRAINT" + (named.isEmpty() ? " <name>" : named)
                                    + " FOREIGN KEY (...) REFERENCES " + c.references() + " (...) NOT VALID, then in a later "
                                    + "transaction ALTER TABLE " + c.table() + " VALIDATE CONSTRAINT"
                                    + (named.isEmpty() ? " <name>" : named) + ", which takes SHARE UPDATE EXCLUSIVE on "
                                    + c.table() + " and ROW SHARE on " + c.references() + ": writes continue.");
                }
            }
            case UNIQUE, PRIMARY_KEY -> {
                if (!c.usingIndex()) {
                    String what = c.type() == ConstraintType.UNIQUE ? "UNIQUE" : "PRIMARY KEY";
                    String index = (c.name() == null ? c.table().substring(c.table().lastIndexOf('.') + 1) + "_key" : c.name()) + "_idx";
                    add("unique-constraint-without-index", Severity.warning, LOCKING, c.table(),
                            "Adds " + what + named + " to " + c.table() + ": PostgreSQL builds its unique index while holding "
                                    + "ACCESS EXCLUSIVE, so reads and writes wait for the whole build.",
                            "CREATE UNIQUE INDEX CONCURRENTLY " + index.replace("\"", "") + " ON " + c.table()
                                    + " (...) outside a transaction block, then ALTER TABLE " + c.table() + " ADD CONSTRAINT"
                                    + (named.isEmpty() ? " <name>" : named) + " " + what + " USING INDEX "
                                    + index.replace("\"", "") + " (a brief lock).", null);
                }
            }
            default -> {
            }
        }
    }

    private void foreignKey(String table, String references, String what, String fix) {
        add("foreign-key-without-not-valid", Severity.warning, LOCKING, table,
                "Adds " + what + " from " + table + " to " + references + " without NOT VALID: PostgreSQL checks every row of "
                        + table + " against " + references + " while holding SHARE ROW EXCLUSIVE on both tables, so writes to "
                        + "both wait for the scan.", fix, null);
    }

    // ---- locks, lock_timeout, transactions ----

    /** The locks an action takes that conflict with the application's writes: relation (null: every table) and mode. */
    static List<Lock> locks(Action a) {
        List<Lock> l = new ArrayList<>();
        LockMode exclusive = LockMode.ACCESS_EXCLUSIVE;
        if (a instanceof AddColumn c) {
            l.add(lock(c.table(), exclusive));
            if (c.references() != null) {
                l.add(lock(c.references(), LockMode.SHARE_ROW_EXCLUSIVE));
            }
        } else if (a instanceof AddConstraint c && c.type() == ConstraintType.FOREIGN_KEY) {
            l.add(lock(c.table(), LockMode.SHARE_ROW_EXCLUSIVE));
            if (c.references() != null) {
                l.add(lock(c.references(), LockMode.SHARE_ROW_EXCLUSIVE));
            }
        } else if (a instanceof Action.CreateTable t) {
            t.references().forEach(r -> l.add(lock(r, LockMode.SHARE_ROW_EXCLUSIVE)));
        } else if (a instanceof Action.Locks k) {
            l.add(lock(k.table(), k.mode()));
        } else if (a instanceof Action.LockTable t) {
            l.add(lock(t.table(), t.mode()));
        } else if (a instanceof Action.CreateIndex i) {
            l.add(lock(i.table(), i.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE));
        } else if (a instanceof Action.DropIndex d) {
            l.add(lock(d.index(), d.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : exclusive));
        } else if (a instanceof Action.Reindex r) {
            l.add(lock(r.name(), r.concurrently() ? LockMode.SHARE_UPDATE_EXCLUSIVE : r.target().equals("INDEX") ? exclusive : LockMode.SHARE));
        } else if (a instanceof Action.Refresh r) {
            if (!r.concurrently()) {
                // CONCURRENTLY takes EXCLUSIVE, which lets reads through; the application does not write the view
                l.add(lock(r.view(), exclusive));
            }
        } else {
            String relation = exclusiveTarget(a);
            if (relation != null || a instanceof Action.VacuumFull || a instanceof Action.Cluster) {
                l.add(lock(relation, exclusive));
            }
        }
        l.removeIf(e -> !e.mode().blocksWrites());
        return l;
    }

    /** The relation of an action that takes ACCESS EXCLUSIVE on it, or null. */
    private static String exclusiveTarget(Action a) {
        if (a instanceof Action.DropColumn d) {
            return d.table();
        } else if (a instanceof RenameColumn r) {
            return r.table();
        } else if (a instanceof Action.RenameTable r) {
            return r.table();
        } else if (a instanceof ChangeType c) {
            return c.table();
        } else if (a instanceof Action.SetNotNull s) {
            return s.table();
        } else if (a instanceof Action.DropDefault d) {
            return d.table();
        } else if (a instanceof AddConstraint c) {
            return c.table();
        } else if (a instanceof Action.DropTable d) {
            return d.table();
        } else if (a instanceof Action.DropView d) {
            return d.view();
        } else if (a instanceof Action.Truncate t) {
            return t.table();
        } else if (a instanceof Action.VacuumFull v) {
            return v.table();
        } else if (a instanceof Action.Cluster c) {
            return c.table();
        }
        return null;
    }

    /** A lock on a relation; null stands for every table. */
    record Lock(String relation, LockMode mode) {
    }

    private static Lock lock(String relation, LockMode mode) {
        return new Lock(relation, mode);
    }

    private void takeLocks(Action a) {
        for (Lock l : locks(a)) {
            String relation = l.relation();
            if (isNew(relation)) {
                continue;
            }
            boolean timeout = localTimeout != null ? localTimeout : sessionTimeout;
            if (!timeout && !timeoutReported) {
                timeoutReported = true;
                String what = relation == null ? "every table" : relation;
                add("missing-lock-timeout", Severity.warning, PRACTICE, relation,
                        "Takes " + l.mode().label() + " on " + what + " with no lock_timeout set: if a long transaction "
                                + "holds a conflicting lock, this statement waits for it, and every later query on " + what
                                + (l.mode().blocksReads() ? ", reads included," : " that writes")
                                + " queues behind this statement: the application stalls.",
                        "Begin the migration with SET lock_timeout = '2s' (or SET LOCAL lock_timeout = '2s' inside its "
                                + "transaction) so that a blocked lock fails fast, and run the migration again later.", null);
            }
            blockLocks.add(new Taken(index, relation, l.mode()));
        }
    }

    /**
     * Ends the current transaction: reports a statement that took a lock on one more relation while the transaction
     * held a lock, taken by an earlier statement, on another.
     */
    private void endBlock() {
        localTimeout = null;
        List<Taken> taken = new ArrayList<>(blockLocks);
        blockLocks.clear();
        Map<String, Integer> held = new LinkedHashMap<>();
        Taken offending = null;
        for (Taken t : taken) {
            String k = key(t.relation());
            boolean heldElsewhere = held.entrySet().stream().anyMatch(e -> e.getValue() != t.statement() && !e.getKey().equals(k));
            if (offending == null && !held.containsKey(k) && heldElsewhere) {
                offending = t;
            }
            held.putIfAbsent(k, t.statement());
        }
        if (offending == null) {
            return;
        }
        Map<Integer, List<String>> byStatement = new LinkedHashMap<>();
        for (Taken t : taken) {
            String r = t.relation() == null ? "every table" : t.relation();
            List<String> rs = byStatement.computeIfAbsent(t.statement(), x -> new ArrayList<>());
            if (!rs.contains(r)) {
                rs.add(r);
            }
        }
        List<String> parts = new ArrayList<>();
        byStatement.forEach((stmt, rs) -> parts.add((stmt + 1) + " (" + String.join(", ", rs) + ")"));
        int saved = index;
        SqlStatement savedStatement = statement;
        index = offending.statement();
        statement = statements.get(index);
        add("multiple-locks-in-transaction", Severity.warning, PRACTICE, offending.relation(),
                "Statements " + String.join(", ", parts) + " lock " + held.size() + " existing relations in one transaction: "
                        + "each lock is held until COMMIT, so the tables locked first stay blocked while later statements "
                        + "wait for theirs, and another transaction taking the same locks in another order can deadlock with it.",
                "Give each table's change a transaction of its own (COMMIT between them), each after SET lock_timeout, "
                        + "so that no lock is held while waiting for another.", null);
        index = saved;
        statement = savedStatement;
    }

    // ---- findings ----

    private void add(String rule, Severity severity, String category, String relation, String message, String fix,
            Map<String, Object> recipe) {
        findings.add(new Finding(rule, severity, category, index + 1, shown(statement.sql()), relation, message, fix, recipe));
    }

    /** A statement's text for a finding: whitespace collapsed, at most 300 characters. */
    static String shown(String sql) {
        String s = sql.replaceAll("\\s+", " ").strip();
        if (s.length() <= 300) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(298)) ? 298 : 299;
        return s.substring(0, cut) + "\u2026";
    }
}
