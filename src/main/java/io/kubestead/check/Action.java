package io.kubestead.check;

import java.util.List;

/**
 * What a statement does, as far as the rules care. JSqlParser's tree and the token-level classifier both produce these,
 * so the rules see the same facts whichever read the statement. Names are rendered as {@link Cursor#ident} does:
 * unquoted and lowercase when written so, schema-qualified as written.
 */
sealed interface Action {

    /** ADD COLUMN. {@code type} and {@code defaultExpr} are rendered by {@link Cursor#render}; generated is null, "identity" or "stored". */
    record AddColumn(String table, String column, String type, boolean notNull, String defaultExpr, String generated,
            String references, boolean unique, boolean check) implements Action {
    }

    record DropColumn(String table, String column) implements Action {
    }

    record RenameColumn(String table, String from, String to) implements Action {
    }

    /** RENAME TO, or SET SCHEMA ({@code to} then is "schema.table"). */
    record RenameTable(String table, String to) implements Action {
    }

    /** ALTER COLUMN ... [SET DATA] TYPE; {@code using} is null when not written. */
    record ChangeType(String table, String column, String type, String using) implements Action {
    }

    record SetNotNull(String table, String column) implements Action {
    }

    record DropDefault(String table, String column) implements Action {
    }

    enum ConstraintType {
        CHECK, FOREIGN_KEY, UNIQUE, PRIMARY_KEY, EXCLUDE
    }

    /**
     * ADD [CONSTRAINT name] ...; {@code name} is null when none is given, {@code references} the referenced table of a
     * foreign key, {@code notNullColumn} the column of a {@code CHECK (column IS NOT NULL)}.
     */
    record AddConstraint(String table, String name, ConstraintType type, boolean notValid, boolean usingIndex,
            String references, String notNullColumn) implements Action {
    }

    record ValidateConstraint(String table, String name) implements Action {
    }

    /** Any other change to a table that only matters for the lock it takes (DROP NOT NULL, SET DEFAULT, CREATE TRIGGER ...). */
    record Locks(String table, LockMode mode) implements Action {
    }

    record CreateTable(String table, List<String> references) implements Action {
    }

    record CreateView(String view) implements Action {
    }

    record CreateType(String type) implements Action {
    }

    /** {@code index} is null when the statement lets PostgreSQL choose the name. */
    record CreateIndex(String index, String table, boolean concurrently) implements Action {
    }

    record DropIndex(String index, boolean concurrently) implements Action {
    }

    record DropTable(String table) implements Action {
    }

    record DropView(String view) implements Action {
    }

    record DropType(String type) implements Action {
    }

    record Truncate(String table) implements Action {
    }

    /** {@code target} is INDEX, TABLE, SCHEMA, DATABASE or SYSTEM. */
    record Reindex(String target, String name, boolean concurrently) implements Action {
    }

    record Refresh(String view, boolean concurrently) implements Action {
    }

    /** {@code table} is null for a VACUUM FULL of every table. */
    record VacuumFull(String table) implements Action {
    }

    /** {@code table} is null for a CLUSTER of every table clustered before. */
    record Cluster(String table) implements Action {
    }

    record LockTable(String table, LockMode mode) implements Action {
    }

    /** SET [LOCAL] lock_timeout, RESET, set_config: whether a timeout is in force afterwards, and for this transaction only. */
    record LockTimeout(boolean set, boolean local) implements Action {
    }

    record EnumAddValue(String type, String value) implements Action {
    }

    record EnumRenameValue(String type, String from, String to) implements Action {
    }

    /** BEGIN, START TRANSACTION; COMMIT AND CHAIN ends one transaction and begins the next. */
    record Begin() implements Action {
    }

    /** COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION. */
    record Commit() implements Action {
    }
}
