package io.kubestead.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.kubestead.common.ApiException;
import io.kubestead.common.BoundedParse;
import io.kubestead.common.SqlLexer;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * Checks a PostgreSQL migration's text before it runs against production: what it will lock, and whether the version
 * of the application that is still running survives it.
 *
 * <p><b>Reading.</b> The text is cut into statements as PostgreSQL's client does ({@link Split}). Each statement is
 * parsed by JSqlParser 5.3 within a time budget, and its actions are taken from the tree ({@link TreeReader}); when
 * JSqlParser cannot parse it (much of PostgreSQL's DDL: ALTER TYPE, VACUUM, REINDEX, CLUSTER, CREATE INDEX
 * CONCURRENTLY, NOT VALID ...) or its tree lacks what a rule needs, a token-level classifier reads it
 * ({@link TokenReader}). Both yield the same {@link Action}s for a statement both can read, so the rules do not depend
 * on which one did.
 *
 * <p><b>Locks</b> follow PostgreSQL's documentation (ALTER TABLE, CREATE INDEX, explicit locking): ALTER TABLE takes
 * ACCESS EXCLUSIVE except ADD FOREIGN KEY (SHARE ROW EXCLUSIVE on both tables), ENABLE/DISABLE TRIGGER (SHARE ROW
 * EXCLUSIVE), VALIDATE CONSTRAINT, SET STATISTICS, SET/RESET (storage parameters), CLUSTER ON and ATTACH PARTITION
 * (SHARE UPDATE EXCLUSIVE); CREATE INDEX takes SHARE, CONCURRENTLY SHARE UPDATE EXCLUSIVE; DROP INDEX, DROP TABLE,
 * DROP VIEW, TRUNCATE, VACUUM FULL, CLUSTER and REFRESH MATERIALIZED VIEW take ACCESS EXCLUSIVE; REINDEX INDEX takes
 * ACCESS EXCLUSIVE on the index, REINDEX TABLE SHARE on the table; CREATE TRIGGER and a new table's foreign key take
 * SHARE ROW EXCLUSIVE (on the trigger's table, on the referenced table). A lock "counts" when it is SHARE or stronger,
 * i.e. it makes the application's INSERT, UPDATE and DELETE wait; CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT,
 * REFRESH ... CONCURRENTLY (EXCLUSIVE, which lets reads through; the application does not write a materialized view)
 * and the other weaker locks do not. ADD COLUMN, even a purely additive one, takes ACCESS EXCLUSIVE briefly, so it
 * counts.
 *
 * <p><b>Transactions.</b> The migration is taken to run as one transaction, cut by COMMIT, ROLLBACK, END and explicit
 * BEGIN ... COMMIT blocks; a statement PostgreSQL refuses inside a transaction block (CREATE/DROP INDEX CONCURRENTLY,
 * REINDEX CONCURRENTLY, VACUUM, CREATE DATABASE, ALTER SYSTEM ...) ends the transaction before it and runs alone.
 * {@code SET lock_timeout} (and SET SESSION, {@code set_config(..., false)}) holds for the rest of the migration,
 * {@code SET LOCAL} (and {@code set_config(..., true)}) until its transaction ends; a value of 0 or DEFAULT, and RESET,
 * turn the timeout off.
 *
 * <p><b>New objects.</b> Tables, indexes, views and types created earlier in the same migration, and columns added
 * earlier to an existing table, are exempt from every rule: the running version does not use them, and they are
 * empty (a lock on an existing table that a statement on a new one takes, such as a new table's foreign key, still
 * counts).
 *
 * <p><b>Rules.</b> Breaking (the version still running may fail): {@code rename-column} (with a renameColumn recipe),
 * {@code rename-table} (also SET SCHEMA; not when a later statement creates a view with the old name),
 * {@code drop-column}, {@code drop-table} (one finding per table), {@code change-column-type} (with a changeColumnType
 * recipe; the text cannot tell a binary-compatible change, so every type change is reported), {@code
 * add-column-not-null-without-default}, {@code drop-default} (warning), {@code truncate}, {@code drop-type},
 * {@code enum-value-change} for RENAME VALUE. Locking (reads or writes wait for a scan, rewrite or build): {@code
 * volatile-default} (a new column with a volatile default, a serial type, an identity or a stored generated
 * expression; now() and current_timestamp are stable and rewrite nothing), {@code set-not-null} (not when a valid
 * CHECK (c IS NOT NULL) was added earlier in the migration), {@code constraint-without-not-valid} (also a new column's
 * CHECK), {@code foreign-key-without-not-valid} (also ADD COLUMN ... REFERENCES), {@code
 * unique-constraint-without-index} (also a new column's UNIQUE or PRIMARY KEY), {@code create-index-non-concurrently},
 * {@code drop-index-non-concurrently}, {@code reindex-non-concurrently}, {@code
 * refresh-materialized-view-non-concurrently}, {@code vacuum-full}, {@code cluster}, {@code lock-table} (modes that
 * block writes). Practice: {@code missing-lock-timeout} (once, on the first statement taking a counted lock on an
 * existing relation with no lock_timeout in force), {@code multiple-locks-in-transaction} (once per transaction, on
 * the first statement that locks one more existing relation while an earlier statement's lock on another is held),
 * {@code enum-value-change} for ADD VALUE (warning), {@code non-transactional-in-transaction} (error: PostgreSQL
 * refuses the statement), {@code do-block} (info: a DO block's body is not read).
 */
public final class Lint {

    public static final int MAX_LENGTH = 100_000;
    public static final int MAX_STATEMENTS = 500;

    /** JSqlParser's time for one statement, and for all of a migration's; past them the classifier reads the rest. */
    static final Duration STATEMENT_BUDGET = Duration.ofSeconds(3);
    static final Duration MIGRATION_BUDGET = Duration.ofSeconds(15);

    static final String JSQLPARSER = "jsqlparser";
    static final String LEXER = "lexer";

    public record Result(List<SqlStatement> statements, List<Finding> findings) {
    }

    private Lint() {
    }

    /**
     * Splits and lints a migration. Over {@value #MAX_LENGTH} characters or {@value #MAX_STATEMENTS} statements it is
     * refused with a 400 at field {@code sql}; nothing else is thrown, whatever the text.
     */
    public static Result lint(String sql) {
        if (sql == null) {
            throw ApiException.invalid("sql", "is required");
        }
        if (sql.length() > MAX_LENGTH) {
            throw ApiException.invalid("sql", "is " + sql.length() + " characters long; at most " + MAX_LENGTH);
        }
        List<Split.Piece> pieces = Split.split(sql);
        if (pieces.size() > MAX_STATEMENTS) {
            throw ApiException.invalid("sql", "has " + pieces.size() + " statements; at most " + MAX_STATEMENTS);
        }
        long deadline = System.nanoTime() + MIGRATION_BUDGET.toNanos();
        List<SqlStatement> statements = new ArrayList<>();
        List<List<Action>> actions = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            Split.Piece p = pieces.get(i);
            TokenReader.Reading reading = classify(p.tokens());
            long left = deadline - System.nanoTime();
            List<Action> tree = left <= 0 ? null
                    : fromTree(p, Duration.ofNanos(Math.min(left, STATEMENT_BUDGET.toNanos())));
            statements.add(new SqlStatement(i + 1, p.text(), reading.kind(), tree != null ? JSQLPARSER : LEXER,
                    reading.transactional()));
            actions.add(tree != null ? tree : reading.actions());
        }
        // checking a recipe's fragments takes up to their own budget each; together they get as long as parsing had
        long recipeDeadline = System.nanoTime() + MIGRATION_BUDGET.toNanos();
        return new Result(List.copyOf(statements), List.copyOf(Rules.apply(statements, actions, recipeDeadline)));
    }

    /** The classifier's reading; a statement it trips over counts as one that does nothing the rules know. */
    static TokenReader.Reading classify(List<Token> tokens) {
        try {
            return TokenReader.read(tokens);
        } catch (RuntimeException e) {
            return new TokenReader.Reading("OTHER", true, List.of());
        }
    }

    /** The actions JSqlParser's tree gives for a statement, or null when it cannot parse it or the tree lacks them. */
    static List<Action> fromTree(Split.Piece p, Duration budget) {
        if (!forParser(p.tokens())) {
            return null;
        }
        try {
            return BoundedParse.run("migration-lint", budget, job -> {
                Statement st = parse(job, p.bare(), false);
                if (st == null && BoundedParse.complexAllowed(p.bare().length(), SqlLexer.nesting(p.tokens()))) {
                    st = parse(job, p.bare(), true);
                }
                return st == null ? null : TreeReader.read(st, p.tokens());
            });
        } catch (TimeoutException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    private static Statement parse(BoundedParse.Job job, String sql, boolean complex) {
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
            job.use(parser);
            Statement st = parser.Statement();
            return st != null && parser.getToken(1).kind == CCJSqlParserConstants.EOF ? st : null;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    /**
     * Whether JSqlParser's lexer reads the statement as PostgreSQL does. It does not for E'...' strings with
     * backslashes, U&amp; names, '//' (a comment to it), '#' and backquotes (MySQL), braces (JDBC escapes), and text
     * left open at the end.
     */
    private static boolean forParser(List<Token> tokens) {
        Token prev = null;
        for (Token t : tokens) {
            if (!t.closed()) {
                return false;
            }
            if (t.kind() == Kind.STRING && (t.text().startsWith("E") || t.text().startsWith("e")) && t.text().contains("\\")) {
                return false;
            }
            if (t.kind() == Kind.PUNCT && "#`{}\\".contains(t.text())) {
                return false;
            }
            if (prev != null && prev.is('/') && t.is('/') && t.start() == prev.end()) {
                return false;
            }
            if ((t.kind() == Kind.QUOTED_IDENT || t.kind() == Kind.STRING) && prev != null && prev.is('&')) {
                return false;
            }
            prev = t;
        }
        return true;
    }
}
