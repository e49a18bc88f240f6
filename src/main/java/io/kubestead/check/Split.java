package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;

import io.kubestead.common.SqlLexer;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;

/**
 * Cuts a migration into statements where PostgreSQL's client would: at a ';' outside literals, quoted names, comments,
 * dollar quotes and brackets. Like psql, it also keeps a SQL-standard routine body ({@code CREATE FUNCTION ... BEGIN
 * ATOMIC ...; ...; END}) in one piece, counting BEGIN and CASE against END within CREATE FUNCTION and CREATE PROCEDURE.
 */
final class Split {

    /**
     * One statement: its text from its first token to its last (comments around it left out), its tokens without
     * comments, and {@code bare}, the text with every comment and run of whitespace between tokens made one space.
     */
    record Piece(String text, List<Token> tokens, String bare) {
    }

    private Split() {
    }

    static List<Piece> split(String sql) {
        List<Piece> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int routineDepth = 0;
        boolean routine = false;
        for (Token t : SqlLexer.tokens(sql)) {
            if (t.is(';') && t.depth() == 0 && routineDepth == 0) {
                add(sql, current, out);
                current = new ArrayList<>();
                routine = false;
                continue;
            }
            if (t.kind() == Kind.COMMENT) {
                continue;
            }
            current.add(t);
            if (t.kind() != Kind.WORD) {
                continue;
            }
            if (current.size() <= 4) {
                routine = routine(current);
            }
            if (routine && (t.isWord("begin") || t.isWord("case"))) {
                routineDepth++;
            } else if (routine && t.isWord("end") && routineDepth > 0) {
                routineDepth--;
            }
        }
        add(sql, current, out);
        return out;
    }

    /** CREATE [OR REPLACE] FUNCTION | PROCEDURE. */
    private static boolean routine(List<Token> start) {
        Cursor c = new Cursor(start);
        if (!c.accept("create")) {
            return false;
        }
        c.accept("or", "replace");
        return c.word("function") || c.word("procedure");
    }

    private static void add(String sql, List<Token> tokens, List<Piece> out) {
        if (tokens.isEmpty()) {
            return;
        }
        StringBuilder bare = new StringBuilder();
        Token prev = null;
        for (Token t : tokens) {
            if (prev != null && t.start() > prev.end()) {
                bare.append(' ');
            }
            bare.append(sql, t.start(), t.end());
            prev = t;
        }
        String text = sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
        out.add(new Piece(text, List.copyOf(tokens), bare.toString()));
    }
}
