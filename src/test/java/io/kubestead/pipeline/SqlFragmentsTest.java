package io.kubestead.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;

import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kubestead.common.ApiException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/** User SQL fragments: ordinary conversions pass; anything that could run more than one expression does not. */
class SqlFragmentsTest {

    static final String PATH = "change.changeColumnType.using";

    /** The message of the 400 at {@link #PATH}; fails the test when the fragment was accepted. */
    static String refusal(BiConsumer<String, String> check, String sql) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> check.accept(PATH, sql));
        assertThat(e).as("refused: %s", sql).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).path()).isEqualTo(PATH);
        return e.errors().get(0).message();
    }

    static String expressionRefusal(String sql) {
        return refusal(SqlFragments::requireExpression, sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user_name::text", "cast(amount as numeric(12,2))", "coalesce(display_name, user_name)",
            "lower(trim(email))", "case when x > 0 then 'a' else 'b' end", "amount_cents / 100.0",
            "to_timestamp(created_epoch)", "jsonb_build_object('k', v)", "now()", "'a;b'", "'--x'", "'/* x */'",
            "'it''s'", "E'line\\nbreak'", "\"Mixed Case\"::bigint", "x::timestamp with time zone",
            "created_at at time zone 'UTC'", "payload ->> 'email'", "payload ? 'k'", "amount::numeric(12,2) * 100",
            "to_char(created_at, 'YYYY-MM-DD')", "extract(epoch from created_at)::bigint", "x::text[]",
            "nullif(trim(name), '')", "current_timestamp", "txid_current()", "'price: 10$'",
            "upper(name) || ' (' || id || ')'", "greatest(a, b)\n  + least(c, d)"})
    void ordinaryExpressionsPass(String sql) {
        assertThatCode(() -> SqlFragments.requireExpression(PATH, sql)).as(sql).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"display_name is null", "a = b and c <> d", "x > 0", "not archived",
            "email_new is distinct from lower(email)", "(a = 1 or b = 2)", "name like 'a;%'", "flag",
            "coalesce(flag, false)", "id between 1 and 10", "x in (1, 2, 3)"})
    void ordinaryConditionsPass(String sql) {
        assertThatCode(() -> SqlFragments.requireCondition(PATH, sql)).as(sql).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a = 1", "email_new = lower(trim(email))", "a = 1, b = 'x,y'", "a = f(1, 2), \"B c\" = null",
            "total = amount * 100, label = case when x > 0 then 'a' else 'b' end", "a = (1, 2) = (1, 2)"})
    void ordinaryAssignmentsPass(String sql) {
        assertThatCode(() -> SqlFragments.requireAssignments(PATH, sql)).as(sql).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bigint", "varchar(255)", "numeric(12,2)", "numeric( 12 , 2 )", "text[]", "int[][]",
            "integer[3]", "int[][][][][][]", "integer array", "timestamp with time zone", "timestamp(3) without time zone",
            "time with time zone", "double precision", "character varying(40)", "bit varying(8)",
            "interval day to second", "interval(6)", "\"my schema\".\"my_type\"", "public.citext", "jsonb",
            "TIMESTAMPTZ", "uuid"})
    void typeNamesPass(String sql) {
        assertThatCode(() -> SqlFragments.requireTypeName(PATH, sql)).as(sql).doesNotThrowAnyException();
    }

    @Test
    void aSecondStatementIsRefused() {
        assertThat(expressionRefusal("1; drop table users")).contains("one SQL expression").contains("';'");
        assertThat(expressionRefusal("'a'; drop table users")).contains("';'");
        assertThat(expressionRefusal("1 drop table users")).contains("found \"drop\" at column 3 after it");
    }

    @Test
    void dollarQuotesAreRefusedEvenInsideLiterals() {
        assertThat(expressionRefusal("x $kubestead$; drop table users; --")).contains("dollar quotes").contains("$kubestead$");
        assertThat(expressionRefusal("$$ select 1 $$")).contains("dollar quotes");
        // the trigger body's quote ends at the tag even inside a string literal
        assertThat(expressionRefusal("'$kubestead$'")).contains("dollar quotes");
        assertThat(expressionRefusal("a$b$c")).contains("dollar quotes");
        assertThat(expressionRefusal("x + $\u00e9t\u00e9$")).contains("dollar quotes");
        String longTag = "$" + "a".repeat(9_000);
        assertThat(expressionRefusal(longTag + "$")).contains("dollar quotes");
        assertThat(expressionRefusal(longTag)).contains("'$' is only allowed inside names");
        assertThat(refusal(SqlFragments::requireTypeName, longTag + "$")).contains("dollar quotes");
    }

    @Test
    void commentsAreRefused() {
        assertThat(expressionRefusal("x -- comment")).contains("comments (--)");
        assertThat(expressionRefusal("x /* c */")).contains("comments (/*)");
        assertThat(expressionRefusal("x // c")).contains("comments (//)");
        assertThat(expressionRefusal("x--")).contains("comments");
    }

    @Test
    void subqueriesAreRefused() {
        assertThat(expressionRefusal("(select password from pg_authid limit 1)")).contains("subqueries are not allowed");
        assertThat(expressionRefusal("x in (select id from t)")).contains("subqueries");
        assertThat(expressionRefusal("exists (select 1)")).contains("subqueries");
        assertThat(expressionRefusal("array(select 1)")).contains("subqueries");
        assertThat(expressionRefusal("x = any(select 1)")).contains("subqueries");
        assertThat(expressionRefusal("x in (values (1))")).contains("subqueries");
        assertThat(refusal(SqlFragments::requireCondition, "exists (select 1 from users)")).contains("subqueries");
    }

    @Test
    void dangerousFunctionsAreRefused() {
        assertThat(expressionRefusal("pg_read_file('/etc/passwd')")).contains("function pg_read_file is not allowed");
        assertThat(expressionRefusal("PG_CATALOG.pg_read_file('x')")).contains("function PG_CATALOG.pg_read_file is not allowed");
        assertThat(expressionRefusal("\"pg_catalog\".\"pg_read_file\"('x')")).contains("\"pg_read_file\" is not allowed");
        assertThat(expressionRefusal("PG_READ_BINARY_FILE('x')")).contains("is not allowed");
        assertThat(expressionRefusal("lo_import('/etc/passwd')")).contains("function lo_import is not allowed");
        assertThat(expressionRefusal("dblink('host=x', 'select 1')")).contains("function dblink is not allowed");
        assertThat(expressionRefusal("set_config('role','postgres',false)")).contains("function set_config is not allowed");
        assertThat(expressionRefusal("current_setting('is_superuser')")).contains("current_setting");
        assertThat(expressionRefusal("query_to_xml('select 1', true, true, '')")).contains("query_to_xml");
        assertThat(expressionRefusal("pg_sleep (10)")).contains("pg_sleep");
        assertThat(expressionRefusal("length(pg_ls_dir('.'))")).contains("pg_ls_dir");
        assertThat(expressionRefusal("case when pg_terminate_backend(1) then 1 end")).contains("pg_terminate_backend");
        assertThat(expressionRefusal("x || ts_stat('select 1')")).contains("ts_stat");
    }

    @Test
    void callsHiddenWhereTheParsersVisitorDoesNotLookAreFound() throws Exception {
        for (String sql : new String[] {"count(*) filter (where pg_read_file('x') is null)",
                "trim(both 'x' from pg_read_file('y'))", "f(a => pg_read_file('x'))", "pg_sleep(1) over ()",
                "sum(x) over (partition by pg_backend_pid())", "sum(x) over (order by pg_backend_pid())",
                "case pg_sleep(1) when 1 then 2 end", "x like 'a!%' escape pg_read_file('x')"}) {
            String problem = SqlFragments.treeProblem(CCJSqlParserUtil.parseExpression(sql, false));
            assertThat(problem).as(sql).contains("is not allowed");
            assertThat(expressionRefusal(sql)).as(sql).contains("is not allowed");
        }
    }

    @Test
    void theScannerFindsCallsTheParserWouldNotSee() throws Exception {
        // JSqlParser's lexer differs from PostgreSQL's; the scanner's words are checked on their own
        for (String sql : new String[] {"pg_read_file('x')", "1 + \"pg_sleep\"(1)", "f(lo_get(1))",
                "x # pg_read_file('x')", "1pg_read_file('x')"}) {
            var tokens = SqlFragments.scan(PATH, sql, "");
            ApiException e = catchThrowableOfType(ApiException.class, () -> SqlFragments.checkWords(PATH, tokens, ""));
            assertThat(e).as(sql).isNotNull();
            assertThat(e.getMessage()).contains("is not allowed");
        }
    }

    @Test
    void controlCharactersAndLengthAreRefused() {
        assertThat(expressionRefusal("x\u0000")).contains("U+0000");
        assertThat(expressionRefusal("x\u001b[2J")).contains("U+001B");
        assertThat(expressionRefusal("'a\u202eb'")).contains("U+202E");
        assertThat(expressionRefusal("x".repeat(10_001))).contains("10001 characters").contains("at most 10000");
        assertThat(expressionRefusal("  ")).contains("must not be empty");
        assertThat(expressionRefusal(null)).contains("must not be empty");
        assertThatCode(() -> SqlFragments.requireExpression(PATH, "a\t+\r\n c")).doesNotThrowAnyException();
    }

    @Test
    void theLongestTextsAreCheckedWithoutRunningOutOfStack() {
        // a left-deep tree one level per operator: the parser's visitor recurses through all of them
        String additions = "x" + "+1".repeat(4_999);
        assertThat(additions.length()).isLessThanOrEqualTo(SqlFragments.MAX_LENGTH);
        assertThatCode(() -> SqlFragments.requireExpression(PATH, additions)).doesNotThrowAnyException();
        assertThat(refusal(SqlFragments::requireCondition, additions)).contains("arithmetic");
        String casts = "x" + "::text".repeat(1_600);
        assertThatCode(() -> SqlFragments.requireExpression(PATH, casts)).doesNotThrowAnyException();
        String ands = "a" + " and a".repeat(1_600);
        assertThatCode(() -> SqlFragments.requireCondition(PATH, ands)).doesNotThrowAnyException();
        String sets = "a = 1" + ", a = 1".repeat(1_400);
        assertThat(refusal(SqlFragments::requireAssignments, sets)).contains("assignment 2 (a): assigns a a second time");
        String last = "x" + "+1".repeat(4_990) + "+pg_sleep(1)";
        assertThat(last.length()).isLessThanOrEqualTo(SqlFragments.MAX_LENGTH);
        assertThat(expressionRefusal(last)).contains("pg_sleep");
    }

    @Test
    void literalsThatCouldEndElsewhereAreRefused() {
        // under standard_conforming_strings=off (or as E'...') the quote after the backslash does not end it
        assertThat(expressionRefusal("'a\\' || pg_read_file('x') || '\\'")).contains("backslash right before a quote");
        assertThat(expressionRefusal("E'\\'' || pg_read_file('x') || ''")).contains("backslash");
        assertThat(expressionRefusal("'unterminated")).contains("never closed");
        assertThat(expressionRefusal("\"unterminated")).contains("never closed");
        assertThat(expressionRefusal("U&\"pg\\005fread_file\"('x')")).contains("Unicode-escaped identifiers");
    }

    @Test
    void parametersAreRefused() {
        assertThat(expressionRefusal("$1")).contains("parameters ($1)");
        assertThat(SqlFragments.treeProblem(new net.sf.jsqlparser.expression.JdbcParameter())).contains("parameters");
        assertThat(expressionRefusal("?")).contains("parameters");
        assertThat(expressionRefusal("x + :v")).contains("parameters");
    }

    @Test
    void deepNestingIsRefusedBeforeTheParserRecurses() {
        String deep = "f(".repeat(17) + "x" + ")".repeat(17);
        assertThat(expressionRefusal(deep)).contains("nested more than 16");
        String fine = "f(".repeat(16) + "x" + ")".repeat(16);
        assertThatCode(() -> SqlFragments.requireExpression(PATH, fine)).doesNotThrowAnyException();
        String cases = "case when x then ".repeat(10) + "f(x[".repeat(4) + "1" + "])".repeat(4) + " end".repeat(10);
        assertThat(expressionRefusal(cases)).contains("nested more than 16");
        assertThat(SqlFragments.nesting(SqlFragments.scan(PATH, "case when (a) then 1 end + (case when x[1] then 2 end)", "")))
                .isEqualTo(3);
        // nesting without brackets: refused, whether by the parser or by the stack
        assertThat(expressionRefusal("not ".repeat(2_400) + "x + ")).isNotBlank();
    }

    @Test
    void aParseThatRunsAwayIsStoppedAndRefused() {
        // nested subscripts and CASE inside brackets make JSqlParser backtrack for minutes at this length
        String group = "(x[array[case when ((f((1)::int, (x)::int = f(1, x) = x))::int) then x end]])";
        StringBuilder b = new StringBuilder(group);
        while (b.length() + group.length() + 1 < SqlFragments.MAX_LENGTH) {
            b.append('+').append(group);
        }
        String sql = b.toString();
        long started = System.nanoTime();
        assertThat(expressionRefusal(sql)).contains("too complex to check");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SqlFragments.TIME_BUDGET.plusSeconds(5));
    }

    @Test
    void theParsersSlowModeIsNotOfferedLongDeepText() {
        // fails the fast mode at the very end; the slow mode would backtrack through every group (~20 s)
        StringBuilder b = new StringBuilder();
        while (b.length() < 9_900) {
            b.append("(".repeat(7)).append('1').append(")".repeat(7)).append('*');
        }
        String sql = b.append(')').toString();
        assertTimeout(Duration.ofSeconds(10), () -> assertThat(expressionRefusal(sql)).isNotBlank());
        assertThatCode(() -> SqlFragments.requireExpression(PATH, "substring(x from 2 for 3)")).doesNotThrowAnyException();
    }

    @Test
    void garbageIsRefusedWithThePlace() {
        assertThat(expressionRefusal("x + )")).contains("found \"+\" at column 3 after it");
        assertThat(expressionRefusal("f(x")).contains("\"(\"");
        assertThat(expressionRefusal("x +")).contains("\"+\"");
        assertThat(expressionRefusal("x in (1, ")).contains("is not a valid SQL expression");
        assertThat(expressionRefusal("1 1")).contains("found \"1\" at column 3 after it");
        assertThat(expressionRefusal("a = 1 where true")).contains("\"where\"");
    }

    @Test
    void conditionsMustBeConditions() {
        BiConsumer<String, String> condition = SqlFragments::requireCondition;
        assertThat(refusal(condition, "1; delete from t")).contains("';'");
        assertThat(refusal(condition, "'yes'")).contains("a string literal");
        assertThat(refusal(condition, "a + 1")).contains("arithmetic");
        assertThat(refusal(condition, "(1)")).contains("a number");
        assertThat(refusal(condition, "true or pg_sleep(5) is null")).contains("pg_sleep");
    }

    @Test
    void assignmentsAreOnlyAssignments() {
        BiConsumer<String, String> set = SqlFragments::requireAssignments;
        assertThat(refusal(set, "a = 1 where true")).contains("assignment 1 (a)").contains("\"where\" at column 7");
        assertThat(refusal(set, "a = 1; delete from t")).contains("';'");
        assertThat(refusal(set, "a = 1, b = 2 from other")).contains("assignment 2 (b)").contains("\"from\"");
        assertThat(refusal(set, "a = 1 returning *")).contains("\"returning\"");
        assertThat(refusal(set, "a = 1,")).contains("assignment 2: is empty");
        assertThat(refusal(set, "a")).contains("is not column = expression");
        assertThat(refusal(set, "t.a = 1")).contains("is not column = expression");
        assertThat(refusal(set, "a <= 1")).contains("is not column = expression");
        assertThat(refusal(set, "a =")).contains("no expression");
        assertThat(refusal(set, "a = 1, A = 2")).contains("a second time");
        assertThat(refusal(set, "a = pg_read_file('x')")).contains("pg_read_file");
        assertThat(refusal(set, "a = 1, b = (select 1)")).contains("subqueries");
        assertThat(refusal(set, "a = 1,\n b = 2 where x")).contains("assignment 2 (b)").contains("at line 2, column 8");
    }

    @Test
    void typeNamesAreOnlyTypeNames() {
        BiConsumer<String, String> type = SqlFragments::requireTypeName;
        assertThat(refusal(type, "text; drop table x")).contains("\";\"");
        assertThat(refusal(type, "int) ; --")).contains("\";\"");
        assertThat(refusal(type, "varchar(abc)")).contains("is not a type name like");
        assertThat(refusal(type, "int default pg_read_file('x')")).contains("\"'\"");
        assertThat(refusal(type, "int not null")).contains("is not a type name");
        assertThat(refusal(type, "\"a\"\"b\"")).contains("\"\\\"\\\"\"");
        assertThat(refusal(type, "int -- x")).contains("--");
        assertThat(refusal(type, "int /* x */")).contains("/*");
        assertThat(refusal(type, "numeric(1,2,3)")).contains("is not a type name");
        assertThat(refusal(type, "int generated always as (1)")).contains("is not a type name");
        assertThat(refusal(type, "$$int$$")).contains("dollar quotes");
        assertThat(refusal(type, "int\u0000")).contains("U+0000");
        assertThat(refusal(type, "")).contains("must not be empty");
        assertThat(refusal(type, "int" + "[]".repeat(7))).contains("is not a type name");
        assertThat(refusal(type, "int" + "[]".repeat(4_990))).contains("is not a type name");
    }
}
