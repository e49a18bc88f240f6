package io.kubestead.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens the way PostgreSQL's lexer does, as far as telling where a literal, a name, a comment or
 * a statement ends: standard strings ('' doubles a quote), E'...' strings (a backslash escapes the next character),
 * double-quoted names, {@code --} and nested {@code /* *}{@code /} comments, dollar quotes ({@code $tag$...$tag$}),
 * parameters ({@code $1}). It never refuses text: what is never closed runs to the end and says so
 * ({@link Token#closed()}); callers decide what they accept.
 */
public final class SqlLexer {

    public enum Kind {
        WORD, QUOTED_IDENT, STRING, DOLLAR_STRING, NUMBER, PARAM, COMMENT, PUNCT
    }

    /**
     * One token. {@code text} is the text as written, except for a quoted name, whose text is the name itself (quotes
     * removed, doubled quotes undone). {@code depth} counts the brackets around it; a bracket has the depth outside it.
     */
    public record Token(Kind kind, String text, int start, int end, int depth, boolean closed) {

        public boolean is(char c) {
            return kind == Kind.PUNCT && text.charAt(0) == c;
        }

        /** A word (not a quoted name) equal to {@code word}, ignoring case. */
        public boolean isWord(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }
    }

    private SqlLexer() {
    }

    public static List<Token> tokens(String sql) {
        List<Token> tokens = new ArrayList<>();
        int depth = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b') {
                i++;
            } else if (c == '\'') {
                i = string(sql, i, i, false, depth, tokens);
            } else if ((c == 'e' || c == 'E') && next == '\'') {
                i = string(sql, i, i + 1, true, depth, tokens);
            } else if (c == '"') {
                i = quotedName(sql, i, depth, tokens);
            } else if (c == '-' && next == '-') {
                int end = i + 2;
                while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                    end++;
                }
                tokens.add(new Token(Kind.COMMENT, sql.substring(i, end), i, end, depth, true));
                i = end;
            } else if (c == '/' && next == '*') {
                i = blockComment(sql, i, depth, tokens);
            } else if (c == '$') {
                i = dollar(sql, i, depth, tokens);
            } else if (identStart(c)) {
                int end = i + 1;
                while (end < n && identPart(sql.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(i, end), i, end, depth, true));
                i = end;
            } else if (c >= '0' && c <= '9') {
                int end = i + 1;
                // letters after digits start a word of their own, so no name hides inside a number
                while (end < n && (isDigit(sql.charAt(end)) || sql.charAt(end) == '.' || sql.charAt(end) == '_')) {
                    end++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(i, end), i, end, depth, true));
                i = end;
            } else {
                if (c == ')' || c == ']') {
                    depth = Math.max(0, depth - 1);
                }
                tokens.add(new Token(Kind.PUNCT, String.valueOf(c), i, i + 1, depth, true));
                if (c == '(' || c == '[') {
                    depth++;
                }
                i++;
            }
        }
        return tokens;
    }

    /** The deepest nesting of brackets and CASE ... END: both nest in JSqlParser's stack and backtracking. */
    public static int nesting(List<Token> tokens) {
        int cases = 0;
        int max = 0;
        for (Token t : tokens) {
            if (t.isWord("case")) {
                cases++;
            } else if (t.isWord("end")) {
                cases = Math.max(0, cases - 1);
            }
            max = Math.max(max, t.depth() + cases + (t.is('(') || t.is('[') ? 1 : 0));
        }
        return max;
    }

    /** PostgreSQL takes every non-ASCII character, Unicode spaces included, as part of a name. */
    public static boolean identStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    private static boolean identPart(char c) {
        return identStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A literal whose opening quote is at {@code quote}; with {@code escapes} a backslash takes the next character. */
    private static int string(String sql, int start, int quote, boolean escapes, int depth, List<Token> tokens) {
        int n = sql.length();
        int j = quote + 1;
        while (j < n) {
            char d = sql.charAt(j);
            if (d == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
                j += 2;
            } else if (d == '\'') {
                tokens.add(new Token(Kind.STRING, sql.substring(start, j + 1), start, j + 1, depth, true));
                return j + 1;
            } else if (escapes && d == '\\') {
                j += 2;
            } else {
                j++;
            }
        }
        tokens.add(new Token(Kind.STRING, sql.substring(start), start, n, depth, false));
        return n;
    }

    private static int quotedName(String sql, int start, int depth, List<Token> tokens) {
        int n = sql.length();
        StringBuilder name = new StringBuilder();
        int j = start + 1;
        while (j < n) {
            char d = sql.charAt(j);
            if (d == '"' && j + 1 < n && sql.charAt(j + 1) == '"') {
                name.append('"');
                j += 2;
            } else if (d == '"') {
                tokens.add(new Token(Kind.QUOTED_IDENT, name.toString(), start, j + 1, depth, true));
                return j + 1;
            } else {
                name.append(d);
                j++;
            }
        }
        tokens.add(new Token(Kind.QUOTED_IDENT, name.toString(), start, n, depth, false));
        return n;
    }

    /** PostgreSQL's block comments nest. */
    private static int blockComment(String sql, int start, int depth, List<Token> tokens) {
        int n = sql.length();
        int level = 1;
        int j = start + 2;
        while (j < n && level > 0) {
            if (sql.charAt(j) == '/' && j + 1 < n && sql.charAt(j + 1) == '*') {
                level++;
                j += 2;
            } else if (sql.charAt(j) == '*' && j + 1 < n && sql.charAt(j + 1) == '/') {
                level--;
                j += 2;
            } else {
                j++;
            }
        }
        tokens.add(new Token(Kind.COMMENT, sql.substring(start, j), start, j, depth, level == 0));
        return j;
    }

    /** A dollar quote ($$ or $tag$, the tag a name without '$'), a parameter ($1), or a lone '$'. */
    private static int dollar(String sql, int start, int depth, List<Token> tokens) {
        int n = sql.length();
        int j = start + 1;
        if (j < n && isDigit(sql.charAt(j))) {
            while (j < n && isDigit(sql.charAt(j))) {
                j++;
            }
            tokens.add(new Token(Kind.PARAM, sql.substring(start, j), start, j, depth, true));
            return j;
        }
        if (j < n && identStart(sql.charAt(j))) {
            j++;
            while (j < n && (identStart(sql.charAt(j)) || isDigit(sql.charAt(j)))) {
                j++;
            }
        }
        if (j >= n || sql.charAt(j) != '$') {
            tokens.add(new Token(Kind.PUNCT, "$", start, start + 1, depth, true));
            return start + 1;
        }
        String tag = sql.substring(start, j + 1);
        int close = sql.indexOf(tag, j + 1);
        int end = close < 0 ? n : close + tag.length();
        tokens.add(new Token(Kind.DOLLAR_STRING, sql.substring(start, end), start, end, depth, close >= 0));
        return end;
    }
}
