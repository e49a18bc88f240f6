package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.kubestead.common.SqlLexer;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;

/**
 * Walks the tokens of one statement (comments left out). Reading past the end yields null and false, never an
 * exception: the classifier runs on whatever text arrives.
 */
final class Cursor {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

    private final List<Token> tokens;
    private final int base;
    private int pos;

    Cursor(List<Token> tokens) {
        this.tokens = tokens;
        this.base = tokens.isEmpty() ? 0 : tokens.get(0).depth();
    }

    /** The tokens of a text, comments left out. */
    static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        for (Token t : SqlLexer.tokens(sql)) {
            if (t.kind() != Kind.COMMENT) {
                out.add(t);
            }
        }
        return out;
    }

    static Cursor of(String sql) {
        return new Cursor(tokens(sql));
    }

    boolean atEnd() {
        return pos >= tokens.size();
    }

    Token peek() {
        return peek(0);
    }

    Token peek(int ahead) {
        int i = pos + ahead;
        return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
    }

    Token next() {
        Token t = peek();
        if (t != null) {
            pos++;
        }
        return t;
    }

    /** Whether the next token is the word {@code w} (any case). */
    boolean word(String w) {
        Token t = peek();
        return t != null && t.isWord(w);
    }

    /** The next token as a lowercase word, or "" when it is not a word. */
    String peekWord() {
        Token t = peek();
        return t != null && t.kind() == Kind.WORD ? t.text().toLowerCase(Locale.ROOT) : "";
    }

    /** Consumes the words when all of them come next, in order. */
    boolean accept(String... words) {
        for (int k = 0; k < words.length; k++) {
            Token t = peek(k);
            if (t == null || !t.isWord(words[k])) {
                return false;
            }
        }
        pos += words.length;
        return true;
    }

    boolean acceptPunct(char c) {
        Token t = peek();
        if (t != null && t.is(c)) {
            pos++;
            return true;
        }
        return false;
    }

    /** One name (a word or a quoted name), rendered by {@link #ident(Token)}; null, consuming nothing, if none comes. */
    String ident() {
        Token t = peek();
        if (t == null || (t.kind() != Kind.WORD && t.kind() != Kind.QUOTED_IDENT)) {
            return null;
        }
        pos++;
        return ident(t);
    }

    /** A possibly qualified name such as {@code public.orders}; null, consuming nothing, if none comes. */
    String name() {
        String first = ident();
        if (first == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(first);
        while (peek() != null && peek().is('.') && peek(1) != null
                && (peek(1).kind() == Kind.WORD || peek(1).kind() == Kind.QUOTED_IDENT)) {
            pos++;
            b.append('.').append(ident());
        }
        return b.toString();
    }

    /** The contents of the bracketed group that comes next (without the brackets), consumed; empty if none comes. */
    List<Token> group() {
        Token open = peek();
        if (open == null || !(open.is('(') || open.is('['))) {
            return List.of();
        }
        int start = ++pos;
        while (pos < tokens.size() && tokens.get(pos).depth() > open.depth()) {
            pos++;
        }
        List<Token> inside = tokens.subList(start, pos);
        if (pos < tokens.size()) {
            pos++;
        }
        return inside;
    }

    /** The tokens from here up to (not including) the first at this statement's top level that {@code stop} accepts. */
    List<Token> until(Predicate<Token> stop) {
        int start = pos;
        while (pos < tokens.size() && !(tokens.get(pos).depth() == base && stop.test(tokens.get(pos)))) {
            pos++;
        }
        return tokens.subList(start, pos);
    }

    /** Everything not read yet, consumed. */
    List<Token> rest() {
        List<Token> r = tokens.subList(Math.min(pos, tokens.size()), tokens.size());
        pos = tokens.size();
        return r;
    }

    /** The remaining tokens cut at top-level commas. */
    List<List<Token>> splitAtCommas() {
        List<List<Token>> parts = new ArrayList<>();
        int start = pos;
        for (; pos < tokens.size(); pos++) {
            Token t = tokens.get(pos);
            if (t.is(',') && t.depth() == base) {
                parts.add(tokens.subList(start, pos));
                start = pos + 1;
            }
        }
        parts.add(tokens.subList(Math.min(start, tokens.size()), tokens.size()));
        return parts;
    }

    /** Whether the words come in this order, next to each other, anywhere in the rest at the top level. */
    boolean containsAhead(String... words) {
        for (int i = pos; i + words.length <= tokens.size(); i++) {
            boolean all = tokens.get(i).depth() == base;
            for (int k = 0; all && k < words.length; k++) {
                all = tokens.get(i + k).isWord(words[k]);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * A name as PostgreSQL resolves it, written back: a word lowercased; a quoted name as is when it reads the same
     * unquoted, else in quotes.
     */
    static String ident(Token t) {
        if (t.kind() == Kind.WORD) {
            return t.text().toLowerCase(Locale.ROOT);
        }
        return PLAIN.matcher(t.text()).matches() ? t.text() : quoted(t.text());
    }

    /** Whether every part of a rendered name is a plain lowercase identifier. */
    static boolean plain(String name) {
        if (name == null) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (!PLAIN.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** The value of a string literal token ('' undone, E'' escapes left as written). */
    static String stringValue(Token t) {
        String s = t.text();
        int open = s.indexOf('\'');
        int close = t.closed() ? s.length() - 1 : s.length();
        return open < 0 || close <= open ? "" : s.substring(open + 1, close).replace("''", "'");
    }

    /**
     * Tokens written back in one canonical spacing, so that the same SQL reads the same whether it came from the
     * source or from JSqlParser's rendering of it: one space between tokens, none inside brackets, before commas,
     * around dots and casts, before a call's or a type's bracket, nor inside an operator such as {@code >=}.
     */
    static String render(List<Token> tokens, boolean lowerWords) {
        StringBuilder b = new StringBuilder();
        Token prev = null;
        for (Token t : tokens) {
            if (t.kind() == Kind.COMMENT) {
                continue;
            }
            if (prev != null && spaced(prev, t)) {
                b.append(' ');
            }
            b.append(switch (t.kind()) {
                case WORD -> lowerWords ? t.text().toLowerCase(Locale.ROOT) : t.text();
                case QUOTED_IDENT -> quoted(t.text());
                default -> t.text();
            });
            prev = t;
        }
        return b.toString();
    }

    private static boolean spaced(Token a, Token b) {
        if (b.is(')') || b.is(']') || b.is(',') || b.is('.') || a.is('(') || a.is('[') || a.is('.')) {
            return false;
        }
        if (a.is(':') || b.is(':')) {
            return false;
        }
        boolean named = a.kind() == Kind.WORD || a.kind() == Kind.QUOTED_IDENT || a.is(')') || a.is(']');
        if ((b.is('(') || b.is('[')) && named) {
            return false;
        }
        return !(operator(a) && operator(b) && b.start() == a.end());
    }

    private static boolean operator(Token t) {
        return t.kind() == Kind.PUNCT && "+-*/<>=~!@#%^&|`?".indexOf(t.text().charAt(0)) >= 0;
    }
}
