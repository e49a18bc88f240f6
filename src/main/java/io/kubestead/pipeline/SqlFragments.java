package io.kubestead.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.kubestead.common.ApiException;
import io.kubestead.common.BoundedParse;
import io.kubestead.common.BoundedParse.Job;
import io.kubestead.common.SqlLexer;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.Node;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NumericBind;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Checks the SQL fragments a pipeline carries before they are pasted into generated SQL: a conversion expression, a
 * type name, a backfill's SET list and WHERE condition. A fragment lands inside a dollar-quoted function body and
 * inside statements run with the operator's rights, so anything that could end the quote or the statement, hide text
 * from this check, read the server's files, or run other SQL is refused, whatever the parser would accept.
 *
 * <p>Two independent views of the text must both pass: a scanner that splits it the way PostgreSQL's lexer does
 * (string literals, quoted identifiers, comments, dollar quotes) and JSqlParser's syntax tree. The parser's lexer is
 * not PostgreSQL's (it treats {@code //} as a comment and reads {@code $$...$$} as an identifier, for instance), so the
 * scanner's words are checked for forbidden calls and subqueries as well, not only the tree.
 */
public final class SqlFragments {

    public static final int MAX_LENGTH = 10_000;

    /**
     * Brackets and CASE nested deeper than this gain nothing in a fragment, and JSqlParser's backtracking grows
     * exponentially with the depth (see {@link #TIME_BUDGET}).
     */
    static final int MAX_NESTING = 16;

    /**
     * Even the simple mode has shapes that take minutes (nested subscripts and CASE inside brackets, a few levels deep,
     * repeated to 10,000 characters). Past this budget the parser is told to stop (its {@code interrupted} flag, which
     * it polls between decisions and obeys within ~0.1 s) and the fragment is refused.
     */
    static final Duration TIME_BUDGET = Duration.ofSeconds(3);

    /**
     * Functions that reach past the row being converted: server internals and files (pg_*), large objects, other
     * servers, settings, and the ones that run a query handed to them as text.
     */
    private static final List<String> DENIED_PREFIXES = List.of("pg_", "lo_", "dblink", "query_to_", "cursor_to_",
            "table_to_xml", "schema_to_xml", "database_to_xml", "binary_upgrade_");
    private static final Set<String> DENIED_NAMES = Set.of("set_config", "current_setting", "loread", "lowrite", "copy",
            "ts_stat", "ts_rewrite", "setval");

    // one character class, not an alternation: java.util.regex recurses once per repetition of a group
    private static final Pattern DOLLAR_QUOTE = Pattern.compile("\\$[A-Za-z0-9_\\x{80}-\\x{10FFFF}]*\\$");

    private static final String IDENT = "(?:[a-z_][a-z0-9_$]*|\"[^\"]+\")";
    private static final String NUMBER = "\\d{1,9}";
    private static final String MODIFIERS = "\\(\\s*" + NUMBER + "\\s*(?:,\\s*-?" + NUMBER + "\\s*)?\\)";
    private static final String MULTI_WORD_TYPE = "double\\s+precision"
            + "|(?:character|char|bit)\\s+varying"
            + "|national\\s+(?:character|char)(?:\\s+varying)?"
            + "|(?:timestamp|time)(?:\\s*\\(\\s*\\d\\s*\\))?\\s+with(?:out)?\\s+time\\s+zone"
            + "|interval\\s+(?:year|month|day|hour|minute|second)(?:\\s+to\\s+(?:month|hour|minute|second))?";
    // at most 6 array dimensions, as in PostgreSQL; an unbounded repetition also recurses in java.util.regex, and
    // 5,000 of them overflow the stack
    private static final Pattern TYPE_NAME = Pattern.compile("(?:" + MULTI_WORD_TYPE + "|" + IDENT + "(?:\\s*\\.\\s*"
            + IDENT + ")?)(?:\\s*" + MODIFIERS + ")?(?:(?:\\s*\\[\\s*\\d{0,9}\\s*]){1,6}|\\s+array(?:\\s*\\[\\s*\\d{0,9}\\s*])?)?",
            Pattern.CASE_INSENSITIVE);

    private SqlFragments() {
    }

    /** Exactly one scalar SQL expression, e.g. {@code cast(amount as numeric(12,2))}. */
    public static void requireExpression(String path, String sql) {
        run(path, job -> expression(job, path, sql));
    }

    /** Exactly one boolean SQL expression, e.g. {@code display_name is null}. */
    public static void requireCondition(String path, String sql) {
        run(path, job -> condition(job, path, sql));
    }

    /** A list of {@code column = expression}, separated by commas, and nothing after it. */
    public static void requireAssignments(String path, String sql) {
        run(path, job -> assignments(job, path, sql));
    }

    /** Runs a check on its own thread, with a large stack and a time budget. */
    private static void run(String path, Consumer<Job> check) {
        try {
            BoundedParse.run("sql-fragment-check", TIME_BUDGET, job -> {
                check.accept(job);
                return null;
            });
        } catch (TimeoutException e) {
            throw ApiException.invalid(path, "is too complex to check within " + TIME_BUDGET.toSeconds()
                    + " s; write it with fewer nested brackets");
        } catch (StackOverflowError e) {
            throw ApiException.invalid(path, "is nested too deeply to check");
        }
    }

    private static void expression(Job job, String path, String sql) {
        List<SqlLexer.Token> tokens = scan(path, sql, "");
        Expression e = parse(job, path, sql, 0, sql.length(), "");
        checkTree(path, e, "");
        checkWords(path, tokens, "");
    }

    private static void condition(Job job, String path, String sql) {
        List<SqlLexer.Token> tokens = scan(path, sql, "");
        Expression e = parse(job, path, sql, 0, sql.length(), "");
        checkTree(path, e, "");
        checkWords(path, tokens, "");
        String found = notBoolean(e);
        if (found != null) {
            throw ApiException.invalid(path, "must be a condition such as 'col is null' or 'a <> b'; found " + found);
        }
    }

    private static void assignments(Job job, String path, String sql) {
        List<SqlLexer.Token> tokens = scan(path, sql, "");
        checkWords(path, tokens, "");
        List<List<SqlLexer.Token>> parts = new ArrayList<>();
        List<SqlLexer.Token> part = new ArrayList<>();
        for (SqlLexer.Token t : tokens) {
            if (t.is(',') && t.depth() == 0) {
                parts.add(part);
                part = new ArrayList<>();
            } else {
                part.add(t);
            }
        }
        parts.add(part);
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            List<SqlLexer.Token> p = parts.get(i);
            String where = "assignment " + (i + 1) + ": ";
            if (p.isEmpty()) {
                throw ApiException.invalid(path, where + "is empty; expected column = expression, separated by commas");
            }
            int eq = -1;
            for (int k = 0; k < p.size() && eq < 0; k++) {
                if (p.get(k).is('=') && p.get(k).depth() == 0) {
                    eq = k;
                }
            }
            if (eq != 1 || !(p.get(0).kind() == Kind.WORD || p.get(0).kind() == Kind.QUOTED_IDENT)) {
                String shown = sql.substring(p.get(0).start(), p.get(p.size() - 1).end());
                throw ApiException.invalid(path, where + Node.quote(shown) + " is not column = expression");
            }
            SqlLexer.Token target = p.get(0);
            String column = target.kind() == Kind.WORD ? target.text().toLowerCase(Locale.ROOT) : target.text();
            where = "assignment " + (i + 1) + " (" + column + "): ";
            if (!targets.add(column)) {
                throw ApiException.invalid(path, where + "assigns " + column + " a second time");
            }
            if (eq == p.size() - 1) {
                throw ApiException.invalid(path, where + "has no expression after '='");
            }
            checkTree(path, parse(job, path, sql, p.get(eq + 1).start(), p.get(p.size() - 1).end(), where), where);
        }
    }

    /** A PostgreSQL type name, e.g. {@code bigint}, {@code numeric(12,2)}, {@code text[]}, {@code "s"."t"}. */
    public static void requireTypeName(String path, String sql) {
        checkCharacters(path, sql, "");
        for (String bad : List.of(";", "'", "\\", "--", "/*", "*/", "\"\"")) {
            if (sql.contains(bad)) {
                throw ApiException.invalid(path, Node.quote(sql) + " is not a type name: it contains " + Node.quote(bad));
            }
        }
        checkDollarQuotes(path, sql, "");
        if (!TYPE_NAME.matcher(sql.strip()).matches()) {
            throw ApiException.invalid(path, Node.quote(sql)
                    + " is not a type name like bigint, varchar(255), numeric(12,2), text[] or timestamp with time zone");
        }
    }

    // ---- PostgreSQL's view of the text ----

    private static void checkCharacters(String path, String sql, String where) {
        if (sql == null || sql.isBlank()) {
            throw ApiException.invalid(path, where + "must not be empty");
        }
        if (sql.length() > MAX_LENGTH) {
            throw ApiException.invalid(path, where + "is " + sql.length() + " characters long; at most " + MAX_LENGTH);
        }
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            // format characters (bidi overrides, zero-width spaces) make the text read differently from what runs
            boolean invisible = Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029';
            if ((Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') || invisible) {
                throw ApiException.invalid(path, where + String.format("control character U+%04X at position %d is not allowed",
                        (int) c, i + 1));
            }
        }
    }

    private static void checkDollarQuotes(String path, String sql, String where) {
        // checked inside string literals too: the generated trigger body is itself dollar-quoted, and PostgreSQL
        // ends that quote at the tag whatever single quotes surround it
        var m = DOLLAR_QUOTE.matcher(sql);
        if (m.find()) {
            throw ApiException.invalid(path, where + "dollar quotes ($$ or $tag$) are not allowed; found "
                    + Node.quote(m.group()));
        }
    }

    /** Splits the text the way PostgreSQL would and refuses what must never reach it. */
    static List<SqlLexer.Token> scan(String path, String sql, String where) {
        checkCharacters(path, sql, where);
        checkDollarQuotes(path, sql, where);
        List<SqlLexer.Token> tokens = SqlLexer.tokens(sql);
        for (int k = 0; k < tokens.size(); k++) {
            SqlLexer.Token t = tokens.get(k);
            switch (t.kind()) {
                case STRING -> {
                    if (t.text().contains("\\'")) {
                        throw ApiException.invalid(path, where + "a backslash right before a quote in a string literal is ambiguous "
                                + "(E'...' strings and the server's standard_conforming_strings decide where it ends); write '' for a quote");
                    }
                    if (!t.closed()) {
                        throw ApiException.invalid(path, where + "has a string literal that is never closed");
                    }
                }
                case QUOTED_IDENT -> {
                    int i = t.start();
                    if (i >= 2 && sql.charAt(i - 1) == '&' && (sql.charAt(i - 2) == 'u' || sql.charAt(i - 2) == 'U')) {
                        throw ApiException.invalid(path, where + "Unicode-escaped identifiers (U&\"...\") are not allowed");
                    }
                    if (!t.closed()) {
                        throw ApiException.invalid(path, where + "has a quoted identifier that is never closed");
                    }
                }
                case COMMENT -> throw ApiException.invalid(path, where + "SQL comments (" + t.text().substring(0, 2) + ") are not allowed");
                case PARAM, DOLLAR_STRING -> throw dollar(path, where);
                case PUNCT -> {
                    SqlLexer.Token next = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
                    if (t.is('/') && next != null && next.start() == t.end() && next.text().startsWith("/")) {
                        // '//' is no comment to PostgreSQL, but JSqlParser skips what follows it, unchecked
                        throw ApiException.invalid(path, where + "SQL comments (//) are not allowed");
                    }
                    if (t.is('$')) {
                        throw dollar(path, where);
                    }
                    if (t.is(';')) {
                        throw ApiException.invalid(path, where + "must be one SQL expression; found ';', which would start a second statement");
                    }
                }
                default -> {
                }
            }
        }
        if (nesting(tokens) > MAX_NESTING) {
            throw ApiException.invalid(path, where + "is nested more than " + MAX_NESTING + " levels deep (brackets and CASE)");
        }
        return tokens;
    }

    private static ApiException dollar(String path, String where) {
        // inside a name '$' was taken with the word; alone it starts a parameter ($1), which no fragment has
        return ApiException.invalid(path, where + "'$' is only allowed inside names and string literals; "
                + "parameters ($1) are not allowed");
    }

    /** Forbidden calls and subqueries as PostgreSQL would read them: a name followed by '(' is a call. */
    static void checkWords(String path, List<SqlLexer.Token> tokens, String where) {
        for (int i = 0; i < tokens.size(); i++) {
            SqlLexer.Token t = tokens.get(i);
            if (t.kind() == Kind.WORD) {
                String w = t.text().toLowerCase(Locale.ROOT);
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1).is('(');
                if (w.equals("select") || w.equals("table") || (w.equals("values") && call)) {
                    throw ApiException.invalid(path, where + "subqueries are not allowed; found " + t.text().toUpperCase(Locale.ROOT));
                }
            }
            if ((t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENT) && i + 1 < tokens.size() && tokens.get(i + 1).is('(')) {
                checkFunction(path, qualifiedName(tokens, i), t.text(), where);
            }
        }
    }

    private static String qualifiedName(List<SqlLexer.Token> tokens, int last) {
        int first = last;
        while (first >= 2 && tokens.get(first - 1).is('.')
                && (tokens.get(first - 2).kind() == Kind.WORD || tokens.get(first - 2).kind() == Kind.QUOTED_IDENT)) {
            first -= 2;
        }
        StringBuilder b = new StringBuilder();
        for (int k = first; k <= last; k += 2) {
            b.append(k == first ? "" : ".").append(tokens.get(k).text());
        }
        return b.toString();
    }

    private static void checkFunction(String path, String shown, String lastPart, String where) {
        String name = lastPart.toLowerCase(Locale.ROOT);
        if (DENIED_NAMES.contains(name) || DENIED_PREFIXES.stream().anyMatch(name::startsWith)) {
            throw ApiException.invalid(path, where + "function " + shown + " is not allowed: functions that reach "
                    + "server internals, files, large objects, settings or other servers, or run SQL given as text, are refused");
        }
    }

    // ---- JSqlParser's view of the text ----

    /** Parses {@code text[start, end)} as one expression and insists the parser used all of it. */
    static Expression parse(Job job, String path, String text, int start, int end, String where) {
        String sql = text.substring(start, end);
        String problem;
        try {
            Attempt simple = attempt(job, text, start, sql, false);
            if (simple.problem == null) {
                return simple.expression;
            }
            problem = simple.problem;
            // the slice was cut from a text already scanned, at token boundaries: scanning it again cannot fail
            if (BoundedParse.complexAllowed(sql.length(), nesting(scan("", sql, "")))) {
                Attempt complex = attempt(job, text, start, sql, true);
                if (complex.problem == null) {
                    return complex.expression;
                }
                problem = complex.problem;
            }
        } catch (StackOverflowError e) {
            problem = "is nested too deeply to check";
        }
        throw ApiException.invalid(path, where + problem);
    }

    private record Attempt(Expression expression, String problem) {
    }

    /** The deepest nesting of brackets and CASE ... END: both nest in the parser's stack and backtracking. */
    static int nesting(List<SqlLexer.Token> tokens) {
        return SqlLexer.nesting(tokens);
    }

    private static Attempt attempt(Job job, String text, int start, String sql, boolean complex) {
        CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
        job.use(parser);
        Expression e;
        try {
            e = parser.Expression();
        } catch (ParseException ex) {
            Token at = ex.currentToken == null ? null : ex.currentToken.next;
            return new Attempt(null, "is not a valid SQL expression" + (at == null || at.kind == CCJSqlParserConstants.EOF
                    ? ": it ends too early" : ": unexpected " + Node.quote(at.image) + position(text, start, sql, at)));
        } catch (RuntimeException ex) {
            // lexical errors and the parser's internal slips alike: the text is not something it understands
            String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().lines().findFirst().orElse("");
            return new Attempt(null, "is not a valid SQL expression: " + (m.length() > 200 ? m.substring(0, 200) + "..." : m));
        }
        if (e == null) {
            return new Attempt(null, "is not a valid SQL expression");
        }
        Token rest = parser.getToken(1);
        if (rest.kind != CCJSqlParserConstants.EOF) {
            return new Attempt(null, "must be one SQL expression; found " + Node.quote(rest.image)
                    + position(text, start, sql, rest) + " after it");
        }
        return new Attempt(e, null);
    }

    /** Where a token of {@code sql}, which starts at {@code start} in {@code text}, is in the whole text. */
    private static String position(String text, int start, String sql, Token t) {
        int index = start;
        int line = 1;
        for (int i = 0; i < sql.length() && line < t.beginLine; i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                index = start + i + 1;
            }
        }
        index += Math.max(0, t.beginColumn - 1);
        int lineNo = 1;
        int column = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineNo++;
                column = 1;
            } else {
                column++;
            }
        }
        return lineNo > 1 ? " at line " + lineNo + ", column " + column : " at column " + column;
    }

    static void checkTree(String path, Expression e, String where) {
        String problem = treeProblem(e);
        if (problem != null) {
            throw ApiException.invalid(path, where + problem);
        }
    }

    /** What the syntax tree holds that a fragment must not, or null. */
    static String treeProblem(Expression e) {
        Walker w = new Walker();
        try {
            e.accept(w, null);
        } catch (Found f) {
            return f.getMessage();
        }
        return null;
    }

    private static final class Found extends RuntimeException {
        Found(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The adapter walks most of the tree; the overrides add the branches it skips in 5.3 (a function's named
     * arguments and HAVING, an aggregate's FILTER and window, TRIM's FROM part, LIKE's ESCAPE) and stop at the nodes
     * refused.
     */
    private static final class Walker extends ExpressionVisitorAdapter<Void> {

        private void visitAll(Iterable<? extends Expression> expressions) {
            if (expressions != null) {
                for (Expression x : expressions) {
                    if (x != null) {
                        x.accept(this, null);
                    }
                }
            }
        }

        private void visitOrder(List<OrderByElement> order) {
            if (order != null) {
                for (OrderByElement o : order) {
                    if (o.getExpression() != null) {
                        o.getExpression().accept(this, null);
                    }
                }
            }
        }

        private static void name(String name) {
            // the last part is the function; quotes only protect the spelling
            String[] parts = name.split("\\.");
            String last = parts[parts.length - 1].replaceAll("^[\"`\\[]+|[\"`\\]]+$", "").toLowerCase(Locale.ROOT);
            if (DENIED_NAMES.contains(last) || DENIED_PREFIXES.stream().anyMatch(last::startsWith)) {
                throw new Found("function " + name + " is not allowed: functions that reach server internals, files, "
                        + "large objects, settings or other servers, or run SQL given as text, are refused");
            }
        }

        @Override
        public <S> Void visit(Function f, S context) {
            if (f.getName() != null) {
                name(f.getName());
            }
            visitAll(f.getNamedParameters());
            if (f.getHavingClause() != null && f.getHavingClause().getExpression() != null) {
                f.getHavingClause().getExpression().accept(this, context);
            }
            if (f.getAttribute() instanceof Expression a) {
                a.accept(this, context);
            }
            return super.visit(f, context);
        }

        @Override
        public <S> Void visit(AnalyticExpression a, S context) {
            if (a.getName() != null) {
                name(a.getName());
            }
            if (a.getFilterExpression() != null) {
                a.getFilterExpression().accept(this, context);
            }
            @SuppressWarnings("unchecked")
            Iterable<? extends Expression> partition = a.getPartitionExpressionList();
            visitAll(partition);
            visitOrder(a.getOrderByElements());
            if (a.getWindowDefinition() != null) {
                @SuppressWarnings("unchecked")
                Iterable<? extends Expression> windowPartition = a.getWindowDefinition().getPartitionExpressionList();
                visitAll(windowPartition);
                visitOrder(a.getWindowDefinition().getOrderByElements());
            }
            return super.visit(a, context);
        }

        @Override
        public <S> Void visit(LikeExpression like, S context) {
            if (like.getEscape() != null) {
                like.getEscape().accept(this, context);
            }
            return super.visit(like, context);
        }

        @Override
        public <S> Void visit(TrimFunction t, S context) {
            if (t.getFromExpression() != null) {
                t.getFromExpression().accept(this, context);
            }
            return super.visit(t, context);
        }

        @Override
        public <S> Void visit(Select select, S context) {
            throw new Found("subqueries are not allowed");
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            throw new Found("subqueries are not allowed");
        }

        @Override
        public <S> Void visit(AnyComparisonExpression any, S context) {
            if (any.getSelect() != null) {
                throw new Found("subqueries are not allowed");
            }
            return super.visit(any, context);
        }

        @Override
        public <S> Void visit(JdbcParameter p, S context) {
            throw new Found("parameters ($1, ?) are not allowed; write the value itself");
        }

        @Override
        public <S> Void visit(JdbcNamedParameter p, S context) {
            throw new Found("parameters (:" + p.getName() + ") are not allowed; write the value itself");
        }

        @Override
        public <S> Void visit(NumericBind p, S context) {
            throw new Found("parameters (:" + p.getBindId() + ") are not allowed; write the value itself");
        }
    }

    /** A description of a top-level expression that cannot be boolean, or null when it may be. */
    private static String notBoolean(Expression e) {
        Expression x = e;
        while (x instanceof ParenthesedExpressionList<?> p) {
            if (p.size() != 1) {
                return "a row of " + p.size() + " values";
            }
            x = p.get(0);
        }
        if (x instanceof StringValue) {
            return "a string literal";
        }
        if (x instanceof LongValue || x instanceof DoubleValue || x instanceof HexValue) {
            return "a number";
        }
        if (x instanceof Addition || x instanceof Subtraction || x instanceof Multiplication || x instanceof Division
                || x instanceof Modulo || x instanceof Concat) {
            return "arithmetic, " + Node.quote(x.toString());
        }
        return null;
    }
}
