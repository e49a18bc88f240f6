package io.kubestead.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small, safe expression language for analysis conditions over {@code result}: numbers, strings, booleans,
 * lists; comparisons, and/or/not (also &&, ||, !), + - * / %, indexing {@code result[0]}, and the functions
 * len, isNaN, abs, min, max. No reflection, no scripting engine; the size of an expression and of its evaluation
 * is bounded. A bad expression is an {@link ExprException} when parsed; a type error while evaluating is one too.
 */
public final class Expr {

    public static final int MAX_LENGTH = 500;
    public static final int MAX_DEPTH = 32;

    private final Node root;
    private final String text;

    private Expr(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    public static Expr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ExprException("is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new ExprException("is longer than " + MAX_LENGTH + " characters");
        }
        Parser p = new Parser(tokenize(text));
        Node n = p.expr(0);
        if (p.pos < p.tokens.size()) {
            throw new ExprException("unexpected '" + p.tokens.get(p.pos).text + "' at position " + (p.tokens.get(p.pos).at + 1));
        }
        return new Expr(text, n);
    }

    public String text() {
        return text;
    }

    /** Evaluates with {@code result} bound to a value: Double, Boolean, String or List of those. */
    public Object evaluate(Object result) {
        return root.eval(result);
    }

    /** Evaluates to a boolean, or fails saying what the expression gave instead. */
    public boolean test(Object result) {
        Object v = evaluate(result);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ExprException("gives " + show(v) + ", not true or false");
    }

    // ---- tokens

    private record Token(String kind, String text, int at) {
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    i++;
                    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                    while (i < s.length() && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                }
                out.add(new Token("num", s.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                out.add(new Token("id", s.substring(start, i), start));
            } else if (c == '"' || c == '\'') {
                int start = i++;
                StringBuilder b = new StringBuilder();
                while (i < s.length() && s.charAt(i) != c) {
                    b.append(s.charAt(i++));
                }
                if (i >= s.length()) {
                    throw new ExprException("has an unterminated string at position " + (start + 1));
                }
                i++;
                out.add(new Token("str", b.toString(), start));
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (List.of("<=", ">=", "==", "!=", "&&", "||").contains(two)) {
                    out.add(new Token("op", two, i));
                    i += 2;
                } else if ("<>+-*/%!()[],".indexOf(c) >= 0) {
                    out.add(new Token("op", String.valueOf(c), i));
                    i++;
                } else {
                    throw new ExprException("has an unexpected character '" + c + "' at position " + (i + 1));
                }
            }
            if (out.size() > 200) {
                throw new ExprException("has more than 200 tokens");
            }
        }
        return out;
    }

    // ---- parser (precedence climbing)

    private static final class Parser {
        final List<Token> tokens;
        int pos;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean at(String text) {
            return pos < tokens.size() && !tokens.get(pos).kind.equals("str") && tokens.get(pos).text.equals(text);
        }

        Token next(String expected) {
            if (pos >= tokens.size()) {
                throw new ExprException("ends too early; expected " + expected);
            }
            return tokens.get(pos++);
        }

        static int precedence(String op) {
            return switch (op) {
                case "||", "or" -> 1;
                case "&&", "and" -> 2;
                case "==", "!=", "<", "<=", ">", ">=" -> 3;
                case "+", "-" -> 4;
                case "*", "/", "%" -> 5;
                default -> -1;
            };
        }

        Node expr(int depth) {
            return binary(1, depth);
        }

        Node binary(int minPrec, int depth) {
            if (depth > MAX_DEPTH) {
                throw new ExprException("is nested deeper than " + MAX_DEPTH);
            }
            Node left = unary(depth + 1);
            while (pos < tokens.size() && !tokens.get(pos).kind.equals("str")) {
                String op = tokens.get(pos).text;
                int prec = precedence(op);
                if (prec < minPrec || (tokens.get(pos).kind.equals("id") && !op.equals("and") && !op.equals("or"))) {
                    break;
                }
                pos++;
                Node right = binary(prec + 1, depth + 1);
                left = new Binary(op, left, right);
            }
            return left;
        }

        Node unary(int depth) {
            if (depth > MAX_DEPTH) {
                throw new ExprException("is nested deeper than " + MAX_DEPTH);
            }
            if (at("!") || at("not")) {
                pos++;
                return new Not(unary(depth + 1));
            }
            if (at("-")) {
                pos++;
                return new Binary("-", new Literal(0.0), unary(depth + 1));
            }
            return postfix(primary(depth + 1), depth + 1);
        }

        Node postfix(Node n, int depth) {
            while (at("[")) {
                pos++;
                Node index = binary(1, depth + 1);
                expect("]");
                n = new Index(n, index);
            }
            return n;
        }

        void expect(String text) {
            Token t = next("'" + text + "'");
            if (!t.text.equals(text) || t.kind.equals("str")) {
                throw new ExprException("expected '" + text + "' at position " + (t.at + 1) + ", found '" + t.text + "'");
            }
        }

        Node primary(int depth) {
            Token t = next("a value");
            switch (t.kind) {
                case "num" -> {
                    try {
                        return new Literal(Double.parseDouble(t.text));
                    } catch (NumberFormatException e) {
                        throw new ExprException("has a malformed number '" + t.text + "'");
                    }
                }
                case "str" -> {
                    return new Literal(t.text);
                }
                case "id" -> {
                    switch (t.text) {
                        case "true" -> {
                            return new Literal(Boolean.TRUE);
                        }
                        case "false" -> {
                            return new Literal(Boolean.FALSE);
                        }
                        case "result" -> {
                            return new Result();
                        }
                        case "len", "isNaN", "abs", "min", "max" -> {
                            expect("(");
                            List<Node> args = new ArrayList<>();
                            if (!at(")")) {
                                args.add(binary(1, depth + 1));
                                while (at(",")) {
                                    pos++;
                                    args.add(binary(1, depth + 1));
                                }
                            }
                            expect(")");
                            int want = t.text.equals("min") || t.text.equals("max") ? 2 : 1;
                            if (args.size() != want) {
                                throw new ExprException(t.text + "() takes " + want + " argument" + (want == 1 ? "" : "s"));
                            }
                            return new Call(t.text, args);
                        }
                        default -> throw new ExprException("does not know '" + t.text + "'; use result, len, isNaN, abs, min, max");
                    }
                }
                default -> {
                    if (t.text.equals("(")) {
                        Node n = binary(1, depth + 1);
                        expect(")");
                        return n;
                    }
                    throw new ExprException("unexpected '" + t.text + "' at position " + (t.at + 1));
                }
            }
        }
    }

    // ---- evaluation

    private interface Node {
        Object eval(Object result);
    }

    private record Literal(Object value) implements Node {
        public Object eval(Object result) {
            return value;
        }
    }

    private record Result() implements Node {
        public Object eval(Object result) {
            return result;
        }
    }

    private record Not(Node inner) implements Node {
        public Object eval(Object result) {
            return !bool(inner.eval(result));
        }
    }

    private record Index(Node target, Node index) implements Node {
        public Object eval(Object result) {
            Object t = target.eval(result);
            double i = number(index.eval(result));
            if (i != Math.floor(i) || i < 0) {
                throw new ExprException("index " + show(i) + " is not a whole number from 0");
            }
            if (t instanceof List<?> list) {
                if (i >= list.size()) {
                    throw new ExprException("index " + (int) i + " is out of range for " + list.size() + " values");
                }
                return list.get((int) i);
            }
            if (i == 0) {
                return t; // a single value is its own element 0
            }
            throw new ExprException("cannot index " + show(t));
        }
    }

    private record Call(String name, List<Node> args) implements Node {
        public Object eval(Object result) {
            Object a = args.get(0).eval(result);
            return switch (name) {
                case "len" -> a instanceof List<?> l ? (double) l.size() : a instanceof String s ? (double) s.length() : 1.0;
                case "isNaN" -> Double.isNaN(number(a));
                case "abs" -> Math.abs(number(a));
                case "min" -> Math.min(number(a), number(args.get(1).eval(result)));
                default -> Math.max(number(a), number(args.get(1).eval(result)));
            };
        }
    }

    private record Binary(String op, Node left, Node right) implements Node {
        public Object eval(Object result) {
            switch (op) {
                case "&&", "and" -> {
                    return bool(left.eval(result)) && bool(right.eval(result));
                }
                case "||", "or" -> {
                    return bool(left.eval(result)) || bool(right.eval(result));
                }
                default -> {
                }
            }
            Object l = unwrap(left.eval(result));
            Object r = unwrap(right.eval(result));
            switch (op) {
                case "==" -> {
                    return equal(l, r);
                }
                case "!=" -> {
                    return !equal(l, r);
                }
                default -> {
                }
            }
            if (op.equals("+") && (l instanceof String || r instanceof String)) {
                return String.valueOf(l) + r;
            }
            double a = number(l);
            double b = number(r);
            return switch (op) {
                case "<" -> a < b;
                case "<=" -> a <= b;
                case ">" -> a > b;
                case ">=" -> a >= b;
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> a / b;
                default -> a % b;
            };
        }
    }

    /** A one-element list stands for its element in comparisons and arithmetic (a query that returned one series). */
    private static Object unwrap(Object v) {
        return v instanceof List<?> l && l.size() == 1 ? l.get(0) : v;
    }

    private static boolean equal(Object l, Object r) {
        if (l instanceof Number a && r instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return l != null && l.equals(r);
    }

    static double number(Object v) {
        Object u = unwrap(v);
        if (u instanceof Number n) {
            return n.doubleValue();
        }
        throw new ExprException("needs a number but got " + show(u));
    }

    static boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ExprException("needs true or false but got " + show(v));
    }

    static String show(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof List<?> l) {
            return l.isEmpty() ? "an empty list" : "a list of " + l.size() + " values";
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue())
                    : String.format(Locale.ROOT, "%s", d);
        }
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(v);
    }
}
