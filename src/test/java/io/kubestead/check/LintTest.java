package io.kubestead.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kubestead.common.ApiException;

/** Splitting, recipes, the two readers' agreement, bounds and the finer points of the rules. */
class LintTest {

    static final String TIMEOUT = "SET lock_timeout = '2s';\n";

    static List<String> texts(String sql) {
        return Lint.lint(sql).statements().stream().map(SqlStatement::sql).toList();
    }

    static List<String> rules(String sql) {
        return Lint.lint(sql).findings().stream().map(Finding::rule).toList();
    }

    static Finding only(String sql, String rule) {
        List<Finding> found = Lint.lint(sql).findings().stream().filter(f -> f.rule().equals(rule)).toList();
        assertThat(found).as("%s in %s", rule, sql).hasSize(1);
        return found.get(0);
    }

    // ---- splitting ----

    @Test
    void dollarQuotedBodiesKeepTheirSemicolons() {
        String fn = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  x := 1; RETURN NEW;\nEND;\n$body$";
        assertThat(texts(fn + ";\nSELECT 1;")).containsExactly(fn, "SELECT 1");
        assertThat(texts("SELECT $$a;b$$; SELECT $x$ $$ ; $x$")).containsExactly("SELECT $$a;b$$", "SELECT $x$ $$ ; $x$");
        // a '$' inside a name is part of it and opens no quote
        assertThat(texts("SELECT a$b; SELECT $1")).containsExactly("SELECT a$b", "SELECT $1");
    }

    @Test
    void commentsAndStringsWithSemicolonsDoNotSplit() {
        assertThat(texts("-- one; two\nSELECT /* a; /* nested; */ b; */ 1 /* after; */ ; SELECT 'x;''y' ;"))
                .containsExactly("SELECT /* a; /* nested; */ b; */ 1", "SELECT 'x;''y'");
        assertThat(texts("SELECT \"a;\"\"b\" FROM t; SELECT 2")).containsExactly("SELECT \"a;\"\"b\" FROM t", "SELECT 2");
    }

    @Test
    void escapeStringsEndWhereABackslashDoesNotEscapeTheQuote() {
        assertThat(texts("SELECT E'it\\'s; fine'; SELECT 2")).containsExactly("SELECT E'it\\'s; fine'", "SELECT 2");
        assertThat(texts("SELECT E'back\\\\'; SELECT 2")).containsExactly("SELECT E'back\\\\'", "SELECT 2");
        // in a standard string a backslash is an ordinary character
        assertThat(texts("SELECT 'a\\'; SELECT 2")).containsExactly("SELECT 'a\\'", "SELECT 2");
    }

    @Test
    void emptyStatementsBracketsAndRoutineBodies() {
        assertThat(texts(";;  ; -- nothing\n;")).isEmpty();
        assertThat(texts("SELECT (1;2); SELECT 3")).containsExactly("SELECT (1;2)", "SELECT 3");
        String atomic = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END";
        assertThat(texts(atomic + "; SELECT 3")).containsExactly(atomic, "SELECT 3");
        assertThat(texts("SELECT 1\n-- trailing comment")).containsExactly("SELECT 1");
        assertThat(texts("SELECT 'never closed; SELECT 2")).hasSize(1);
    }

    @Test
    void kindsAndTransactionBlocks() {
        List<SqlStatement> s = Lint.lint("begin; Create Unique Index Concurrently i ON t (a); vacuum t; REINDEX SCHEMA public;"
                + " CLUSTER; CLUSTER t; COMMIT; ALTER TABLE t ADD COLUMN a int; DROP INDEX CONCURRENTLY i; ALTER SYSTEM SET x = 1")
                .statements();
        assertThat(s).extracting(SqlStatement::kind).containsExactly("BEGIN", "CREATE INDEX", "VACUUM", "REINDEX", "CLUSTER",
                "CLUSTER", "COMMIT", "ALTER TABLE", "DROP INDEX", "ALTER SYSTEM");
        assertThat(s).extracting(SqlStatement::transactional).containsExactly(true, false, false, false, false, true, true, true,
                false, false);
    }

    // ---- recipes ----

    @Test
    void renameColumnCarriesAPipelineRecipe() {
        Finding f = only(TIMEOUT + "ALTER TABLE Public.Users RENAME COLUMN Display_Name TO full_name;", "rename-column");
        assertThat(f.recipe()).isEqualTo(Map.of("renameColumn", Map.of("table", "public.users", "from", "display_name",
                "to", "full_name")));
        assertThat(f.statement()).isEqualTo(2);
        assertThat(f.relation()).isEqualTo("public.users");
        assertThat(f.severity()).isEqualTo(Severity.error);
        assertThat(f.category()).isEqualTo("breaking");
        // a name that needs quotes cannot be carried by a pipeline request
        assertThat(only("ALTER TABLE users RENAME COLUMN a TO \"B\"", "rename-column").recipe()).isNull();
    }

    @Test
    void changeColumnTypeCarriesAPipelineRecipe() {
        assertThat(only("ALTER TABLE orders ALTER COLUMN total TYPE BIGINT", "change-column-type").recipe())
                .isEqualTo(Map.of("changeColumnType", Map.of("table", "orders", "column", "total", "newType", "bigint",
                        "using", "total::bigint")));
        assertThat(only("ALTER TABLE s.orders ALTER total SET DATA TYPE numeric(12,2) USING round(total / 100.0, 2)",
                "change-column-type").recipe()).isEqualTo(Map.of("changeColumnType", Map.of("table", "s.orders",
                        "column", "total", "newType", "numeric(12, 2)", "using", "round(total / 100.0, 2)")));
        // what a pipeline would refuse to paste into generated SQL gets no recipe
        assertThat(only("ALTER TABLE t ALTER c TYPE int USING pg_read_file('x')::int", "change-column-type").recipe()).isNull();
    }

    @Test
    void otherBreakingRulesSayWhatToDoInstead() {
        Finding drop = only(TIMEOUT + "ALTER TABLE users DROP COLUMN legacy", "drop-column");
        assertThat(drop.recipe()).isNull();
        assertThat(drop.fix()).contains("Stop reading and writing legacy in a release first").contains("contract phase");
        List<Finding> tables = Lint.lint(TIMEOUT + "DROP TABLE a, public.b CASCADE").findings();
        assertThat(tables).extracting(Finding::rule).containsExactly("drop-table", "drop-table");
        assertThat(tables).extracting(Finding::relation).containsExactly("a", "public.b");
    }

    // ---- the two readers ----

    @ParameterizedTest
    @ValueSource(strings = {"ALTER TABLE users RENAME COLUMN display_name TO full_name",
            "ALTER TABLE \"Users\" RENAME COLUMN \"Total\" TO total", "ALTER TABLE public.orders RENAME TO purchases",
            "ALTER TABLE orders DROP COLUMN IF EXISTS note CASCADE", "ALTER TABLE orders DROP note",
            "ALTER TABLE orders ALTER COLUMN total TYPE bigint USING total::bigint",
            "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2) USING round(total, 2)",
            "ALTER TABLE orders ALTER COLUMN note TYPE varchar(100)", "ALTER TABLE orders ADD COLUMN note text NOT NULL",
            "ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT ''", "ALTER TABLE orders ADD COLUMN id2 uuid DEFAULT gen_random_uuid()",
            "ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY",
            "ALTER TABLE orders ADD COLUMN t numeric GENERATED ALWAYS AS (total * 2) STORED",
            "ALTER TABLE orders ADD COLUMN created timestamp with time zone DEFAULT now()",
            "ALTER TABLE orders ADD COLUMN price numeric(10,2) DEFAULT 0.0 NOT NULL", "ALTER TABLE orders ADD COLUMN tags text[] DEFAULT '{}'",
            "ALTER TABLE orders ADD COLUMN code text UNIQUE", "ALTER TABLE orders ADD COLUMN code text CHECK (code <> '')",
            "ALTER TABLE orders ADD COLUMN account_id bigint REFERENCES accounts (id)", "ALTER TABLE orders ADD COLUMN seq bigserial",
            "ALTER TABLE orders ALTER COLUMN note SET NOT NULL", "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL",
            "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT", "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'x'",
            "ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0)", "ALTER TABLE orders ADD CONSTRAINT nn CHECK (note IS NOT NULL)",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE",
            "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users", "ALTER TABLE orders ADD CONSTRAINT u UNIQUE (number)",
            "ALTER TABLE orders ADD UNIQUE (number)", "ALTER TABLE orders ADD PRIMARY KEY (id)",
            "ALTER TABLE orders ADD CONSTRAINT p PRIMARY KEY (id)", "ALTER TABLE orders DROP CONSTRAINT c",
            "ALTER TABLE orders VALIDATE CONSTRAINT c", "ALTER TABLE orders SET (fillfactor = 70)",
            "ALTER TABLE orders ALTER COLUMN note SET STATISTICS 100", "ALTER TABLE ONLY orders ADD COLUMN x int",
            "ALTER TABLE orders ADD COLUMN a int, DROP COLUMN b, ALTER COLUMN c TYPE text",
            "ALTER TABLE orders RENAME CONSTRAINT a TO b", "CREATE INDEX orders_user_idx ON orders (user_id)",
            "CREATE INDEX IF NOT EXISTS i ON public.orders (a)", "DROP INDEX orders_user_idx", "DROP INDEX IF EXISTS public.a CASCADE",
            "DROP TABLE users", "DROP TABLE IF EXISTS public.orders CASCADE", "DROP MATERIALIZED VIEW mv",
            "TRUNCATE orders", "TRUNCATE TABLE orders", "TRUNCATE orders, users", "REFRESH MATERIALIZED VIEW mv",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY public.mv", "SET lock_timeout = '2s'", "SET LOCAL lock_timeout = '2s'",
            "SET SESSION lock_timeout = 2000", "SET lock_timeout = DEFAULT", "SET lock_timeout = 0", "SET statement_timeout = '5s'",
            "COMMIT", "ROLLBACK", "CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), "
                    + "CONSTRAINT f FOREIGN KEY (user_id) REFERENCES accounts (id))",
            "CREATE TABLE t2 AS SELECT * FROM orders", "CREATE VIEW v AS SELECT 1", "CREATE MATERIALIZED VIEW mv AS SELECT 1",
            "COMMENT ON TABLE orders IS 'x'", "UPDATE orders SET note = 'x' WHERE id < 100", "INSERT INTO orders (id) VALUES (1)",
            "SELECT 1", "DELETE FROM events WHERE id < 5",
            "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"})
    void bothReadersAgreeWhereJSqlParserCanRead(String sql) {
        Split.Piece p = Split.split(sql).get(0);
        List<Action> tree = Lint.fromTree(p, Duration.ofMinutes(1));
        assertThat(tree).as("JSqlParser's reading of %s", sql).isNotNull();
        TokenReader.Reading lexer = TokenReader.read(p.tokens());
        assertThat(tree).as(sql).isEqualTo(lexer.actions());
        // and so the same findings
        List<SqlStatement> one = List.of(new SqlStatement(1, p.text(), lexer.kind(), Lint.LEXER, lexer.transactional()));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        assertThat(Rules.apply(one, List.of(tree), deadline)).isEqualTo(Rules.apply(one, List.of(lexer.actions()), deadline));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALTER TYPE order_status ADD VALUE 'x'", "ALTER TYPE order_status RENAME VALUE 'a' TO 'b'",
            "VACUUM FULL orders", "CLUSTER orders USING orders_pkey", "REINDEX TABLE orders", "LOCK TABLE orders",
            "CREATE INDEX CONCURRENTLY i ON t (a)", "DROP INDEX CONCURRENTLY IF EXISTS i", "BEGIN", "SET LOCAL lock_timeout TO '2s'",
            "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID", "ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint",
            "DROP TYPE order_status", "DROP TABLE a, b", "CREATE TYPE mood AS ENUM ('a')"})
    void whatJSqlParserCannotReadTheClassifierDoes(String sql) {
        SqlStatement s = Lint.lint(sql).statements().get(0);
        assertThat(s.parser()).isEqualTo(Lint.LEXER);
        assertThat(TokenReader.read(Split.split(sql).get(0).tokens()).actions()).as(sql).isNotEmpty();
    }

    @Test
    void aStatementJSqlParserMisreadsGoesToTheClassifier() {
        // JSqlParser reads this as an index named CONCURRENTLY
        Split.Piece p = Split.split("DROP INDEX CONCURRENTLY orders_idx").get(0);
        assertThat(Lint.fromTree(p, Duration.ofMinutes(1))).isNull();
        assertThat(TokenReader.read(p.tokens()).actions()).containsExactly(new Action.DropIndex("orders_idx", true));
    }

    // ---- rules ----

    @Test
    void volatileDefaultsRewriteStableOnesDoNot() {
        for (String add : List.of("uuid DEFAULT gen_random_uuid()", "timestamptz DEFAULT clock_timestamp()",
                "int DEFAULT (random() * 10)::int", "bigint DEFAULT nextval('s'::regclass)", "serial", "BIGSERIAL",
                "bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10)", "int GENERATED ALWAYS AS (a + 1) STORED")) {
            assertThat(rules(TIMEOUT + "ALTER TABLE t ADD COLUMN c " + add)).as(add).containsExactly("volatile-default");
        }
        for (String add : List.of("timestamptz DEFAULT now()", "timestamptz NOT NULL DEFAULT current_timestamp",
                "text NOT NULL DEFAULT 'x'", "int", "jsonb DEFAULT '{}'::jsonb", "int DEFAULT NULL")) {
            assertThat(rules(TIMEOUT + "ALTER TABLE t ADD COLUMN c " + add)).as(add).isEmpty();
        }
        assertThat(rules(TIMEOUT + "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT NULL"))
                .containsExactly("add-column-not-null-without-default");
        // ON DELETE SET DEFAULT is no default
        assertThat(rules(TIMEOUT + "ALTER TABLE t ADD COLUMN c int NOT NULL REFERENCES u ON DELETE SET DEFAULT"))
                .containsExactlyInAnyOrder("add-column-not-null-without-default", "foreign-key-without-not-valid");
    }

    @Test
    void setNotNullIsFineOnceAValidCheckProvesIt() {
        assertThat(rules(TIMEOUT + "ALTER TABLE users ALTER COLUMN email SET NOT NULL")).containsExactly("set-not-null");
        assertThat(rules(TIMEOUT + "ALTER TABLE users ADD CONSTRAINT e CHECK (email IS NOT NULL) NOT VALID; COMMIT;"
                + "ALTER TABLE users VALIDATE CONSTRAINT e; ALTER TABLE users ALTER email SET NOT NULL;")).isEmpty();
        // a NOT VALID check proves nothing until validated
        assertThat(rules(TIMEOUT + "ALTER TABLE users ADD CONSTRAINT e CHECK (email IS NOT NULL) NOT VALID; COMMIT;"
                + "ALTER TABLE users ALTER email SET NOT NULL;")).containsExactly("set-not-null");
    }

    @Test
    void lockTimeoutMustComeFirstAndHoldForTheStatement() {
        Finding f = only("ALTER TABLE a ADD COLUMN x int; SET lock_timeout = '1s'; ALTER TABLE b ADD COLUMN y int",
                "missing-lock-timeout");
        assertThat(f.statement()).isEqualTo(1);
        assertThat(f.relation()).isEqualTo("a");
        assertThat(rules("SET lock_timeout = '1s'; ALTER TABLE a ADD COLUMN x int")).isEmpty();
        assertThat(rules("SET \"lock_timeout\" TO '1s'; ALTER TABLE a ADD COLUMN x int")).isEmpty();
        assertThat(rules("SET SESSION lock_timeout TO 1000; CREATE INDEX i ON a (x)")).containsExactly("create-index-non-concurrently");
        assertThat(rules("SET lock_timeout = '1s'; RESET lock_timeout; ALTER TABLE a ADD COLUMN x int")).containsExactly("missing-lock-timeout");
        assertThat(rules("SET lock_timeout = '0'; ALTER TABLE a ADD COLUMN x int")).containsExactly("missing-lock-timeout");
        assertThat(rules("SELECT set_config('lock_timeout', '1s', true); ALTER TABLE a ADD COLUMN x int")).isEmpty();
        // SET LOCAL ends with its transaction
        assertThat(only("BEGIN; SET LOCAL lock_timeout = '1s'; ALTER TABLE a ADD COLUMN x int; COMMIT;"
                + " ALTER TABLE b ADD COLUMN y int", "missing-lock-timeout").statement()).isEqualTo(5);
        // weaker locks do not need it
        assertThat(rules("CREATE INDEX CONCURRENTLY i ON a (x); ALTER TABLE a VALIDATE CONSTRAINT c; VACUUM a;"
                + " REFRESH MATERIALIZED VIEW CONCURRENTLY m; COMMENT ON TABLE a IS 'x'; CREATE TABLE n (id int)")).isEmpty();
    }

    @Test
    void severalLockedTablesInOneTransaction() {
        Finding f = only(TIMEOUT + "ALTER TABLE a ADD COLUMN x int; ALTER TABLE a ADD COLUMN y int; ALTER TABLE b ADD COLUMN z int",
                "multiple-locks-in-transaction");
        assertThat(f.statement()).isEqualTo(4);
        assertThat(f.relation()).isEqualTo("b");
        assertThat(f.message()).contains("2 (a)", "3 (a)", "4 (b)");
        // COMMIT, explicit blocks and statements that run outside a transaction cut it
        assertThat(rules(TIMEOUT + "ALTER TABLE a ADD COLUMN x int; COMMIT; ALTER TABLE b ADD COLUMN z int")).isEmpty();
        assertThat(rules(TIMEOUT + "BEGIN; ALTER TABLE a ADD COLUMN x int; COMMIT; BEGIN; ALTER TABLE b ADD COLUMN z int; END;")).isEmpty();
        assertThat(rules(TIMEOUT + "ALTER TABLE a ADD COLUMN x int; CREATE INDEX CONCURRENTLY i ON a (x); ALTER TABLE b ADD COLUMN z int"))
                .isEmpty();
        // one statement locking two tables (a foreign key) is not several locks taken one after another
        assertThat(rules(TIMEOUT + "ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (b_id) REFERENCES b (id) NOT VALID")).isEmpty();
    }

    @Test
    void objectsCreatedInTheMigrationAreExempt() {
        assertThat(rules("CREATE TABLE n (id int); CREATE INDEX n_id ON n (id); ALTER TABLE n ALTER id SET NOT NULL;"
                + " ALTER TABLE n RENAME COLUMN id TO key; DROP INDEX n_id; ALTER TABLE public.n ADD CONSTRAINT u UNIQUE (key);"
                + " TRUNCATE n; DROP TABLE n")).isEmpty();
        assertThat(rules(TIMEOUT + "ALTER TABLE a ADD COLUMN c int; ALTER TABLE a RENAME COLUMN c TO d;"))
                .isEmpty();
        assertThat(rules("CREATE TYPE m AS ENUM ('a'); ALTER TYPE m ADD VALUE 'b'; ALTER TYPE m RENAME VALUE 'a' TO 'c'")).isEmpty();
        // a new table's foreign key still locks the table it references
        assertThat(only("CREATE TABLE n (id int, a_id int REFERENCES a (id))", "missing-lock-timeout").relation()).isEqualTo("a");
    }

    @Test
    void renamingATableBehindAViewIsTheSafeForm() {
        assertThat(rules(TIMEOUT + "ALTER TABLE a RENAME TO b")).containsExactly("rename-table");
        assertThat(rules(TIMEOUT + "ALTER TABLE a RENAME TO b; CREATE VIEW a AS SELECT * FROM b")).isEmpty();
        assertThat(rules(TIMEOUT + "ALTER TABLE a SET SCHEMA archive")).containsExactly("rename-table");
    }

    @Test
    void enumValues() {
        Finding rename = only("ALTER TYPE order_status RENAME VALUE 'shipped' TO 'sent'", "enum-value-change");
        assertThat(rename.severity()).isEqualTo(Severity.error);
        assertThat(rename.category()).isEqualTo("breaking");
        Finding add = only("ALTER TYPE public.order_status ADD VALUE IF NOT EXISTS 'returned' BEFORE 'shipped'", "enum-value-change");
        assertThat(add.severity()).isEqualTo(Severity.warning);
        assertThat(add.category()).isEqualTo("practice");
        assertThat(add.relation()).isEqualTo("public.order_status");
        assertThat(rules("DROP TYPE IF EXISTS a, b")).containsExactly("drop-type", "drop-type");
    }

    @Test
    void lockingStatementsAndTheirConcurrentForms() {
        assertThat(rules(TIMEOUT + "CREATE INDEX i ON t (a)")).containsExactly("create-index-non-concurrently");
        assertThat(rules(TIMEOUT + "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)")).isEmpty();
        // one statement: the locks are taken together, not one while waiting for the next
        assertThat(rules(TIMEOUT + "DROP INDEX a, b")).containsExactly("drop-index-non-concurrently", "drop-index-non-concurrently");
        assertThat(rules(TIMEOUT + "DROP INDEX a; DROP INDEX b")).containsExactly("drop-index-non-concurrently",
                "drop-index-non-concurrently", "multiple-locks-in-transaction");
        assertThat(rules(TIMEOUT + "REINDEX (VERBOSE) TABLE t")).containsExactly("reindex-non-concurrently");
        assertThat(rules(TIMEOUT + "REINDEX (CONCURRENTLY) TABLE t")).isEmpty();
        assertThat(rules(TIMEOUT + "VACUUM (FULL false) t")).isEmpty();
        assertThat(rules(TIMEOUT + "VACUUM FULL VERBOSE")).containsExactly("vacuum-full");
        assertThat(rules(TIMEOUT + "BEGIN; LOCK a, b IN ROW EXCLUSIVE MODE; COMMIT")).isEmpty();
        assertThat(rules(TIMEOUT + "BEGIN; LOCK ONLY a; COMMIT")).containsExactly("lock-table");
        assertThat(rules(TIMEOUT + "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i, ADD CONSTRAINT p PRIMARY KEY USING INDEX j"))
                .isEmpty();
        assertThat(rules(TIMEOUT + "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES u (id)"))
                .containsExactly("foreign-key-without-not-valid");
    }

    @Test
    void aStatementPostgreSqlRefusesInsideATransactionBlock() {
        Finding f = only("BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT", "non-transactional-in-transaction");
        assertThat(f.severity()).isEqualTo(Severity.error);
        assertThat(f.statement()).isEqualTo(2);
        assertThat(rules("CREATE INDEX CONCURRENTLY i ON t (a); BEGIN; COMMIT")).isEmpty();
    }

    @Test
    void aDoBlockIsNotReadAndSaysSo() {
        Finding f = only("DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$", "do-block");
        assertThat(f.severity()).isEqualTo(Severity.info);
        assertThat(Lint.lint("DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$").findings()).hasSize(1);
    }

    @Test
    void findingsShowTheirStatementCollapsedAndCut() {
        String column = "c".repeat(400);
        Finding f = only(TIMEOUT + "ALTER   TABLE\n\tt\n  DROP COLUMN " + column, "drop-column");
        assertThat(f.sql()).hasSize(300).startsWith("ALTER TABLE t DROP COLUMN ccc").endsWith("\u2026");
        assertThat(only(TIMEOUT + "ALTER TABLE t\n  DROP COLUMN c", "drop-column").sql()).isEqualTo("ALTER TABLE t DROP COLUMN c");
    }

    // ---- bounds ----

    @Test
    void tooLongOrTooManyStatementsIsA400AtSql() {
        ApiException longText = catchThrowableOfType(ApiException.class, () -> Lint.lint("-".repeat(Lint.MAX_LENGTH + 1)));
        assertThat(longText).isNotNull();
        assertThat(longText.status()).isEqualTo(400);
        assertThat(longText.errors()).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("sql"));

        ApiException many = catchThrowableOfType(ApiException.class, () -> Lint.lint("SELECT 1;".repeat(Lint.MAX_STATEMENTS + 1)));
        assertThat(many).isNotNull();
        assertThat(many.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("sql");
            assertThat(e.message()).contains("501 statements");
        });

        assertThat(Lint.lint("SELECT 1;".repeat(Lint.MAX_STATEMENTS)).statements()).hasSize(Lint.MAX_STATEMENTS);
        String longest = "SELECT '" + "x".repeat(Lint.MAX_LENGTH - 9) + "'";
        assertThat(longest).hasSize(Lint.MAX_LENGTH);
        assertThat(Lint.lint(longest).statements()).hasSize(1);
        assertThat(catchThrowableOfType(ApiException.class, () -> Lint.lint(null)).errors().get(0).path()).isEqualTo("sql");
    }
}
