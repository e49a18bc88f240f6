package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kubestead.check.Action.AddColumn;
import io.kubestead.check.Action.AddConstraint;
import io.kubestead.check.Action.ConstraintType;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;

/**
 * Classifies a statement from its tokens alone: keywords in any case, names as {@link Cursor#ident} renders them. It
 * reads every statement, and is what decides for the statements JSqlParser cannot parse (much of PostgreSQL's DDL) or
 * whose tree lacks what a rule needs. It also gives every statement its kind and says whether PostgreSQL would run it
 * inside a transaction block.
 */
final class TokenReader {

    /** What the classifier makes of a statement. */
    record Reading(String kind, boolean transactional, List<Action> actions) {
    }

    /** Words that end a column's type or a DEFAULT expression in a column definition. */
    private static final Set<String> COLUMN_CONSTRAINT_WORDS = Set.of("constraint", "not", "null", "check", "default",
            "generated", "unique", "primary", "references", "collate", "deferrable", "initially");

    private static final Pattern LEADING_NUMBER = Pattern.compile("^\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)");

    private final Cursor c;
    private final List<Action> out = new ArrayList<>();
    private String kind;
    private boolean transactional = true;

    private TokenReader(List<Token> tokens) {
        this.c = new Cursor(tokens);
    }

    /** Reads a statement's tokens (comments left out). */
    static Reading read(List<Token> tokens) {
        TokenReader r = new TokenReader(tokens);
        r.statement();
        return new Reading(r.kind, r.transactional, List.copyOf(r.out));
    }

    private void statement() {
        Token first = c.peek();
        if (first == null || first.kind() != Kind.WORD) {
            kind = "OTHER";
            return;
        }
        String w = c.peekWord();
        kind = w.toUpperCase(Locale.ROOT);
        c.next();
        switch (w) {
            case "alter" -> alter();
            case "create" -> create();
            case "drop" -> drop();
            case "truncate" -> truncate();
            case "reindex" -> reindex();
            case "refresh" -> refresh();
            case "vacuum" -> vacuum();
            case "cluster" -> cluster();
            case "lock" -> lock();
            case "set" -> set();
            case "reset" -> {
                String name = c.name();
                if ("lock_timeout".equals(name) || "all".equals(name)) {
                    out.add(new Action.LockTimeout(false, false));
                }
            }
            case "select" -> setConfig();
            case "begin" -> out.add(new Action.Begin());
            case "start" -> {
                if (c.accept("transaction")) {
                    kind = "START TRANSACTION";
                    out.add(new Action.Begin());
                }
            }
            case "commit", "end", "rollback", "abort" -> end();
            case "prepare" -> {
                if (c.accept("transaction")) {
                    kind = "PREPARE TRANSACTION";
                    out.add(new Action.Commit());
                }
            }
            default -> {
            }
        }
    }

    /** The kind: the leading keyword and the object word that follows it, e.g. "ALTER TABLE". */
    private void object(String words) {
        kind = kind + " " + words.toUpperCase(Locale.ROOT);
    }

    // ---- ALTER ----

    private void alter() {
        if (c.accept("table")) {
            object("table");
            alterTable();
        } else if (c.accept("type")) {
            object("type");
            alterType();
        } else if (c.accept("materialized", "view")) {
            object("materialized view");
        } else {
            String w = c.peekWord();
            if (!w.isEmpty()) {
                object(w);
            }
            transactional = !w.equals("system");
        }
    }

    private void alterTable() {
        if (c.word("all")) {
            return;
        }
        c.accept("if", "exists");
        c.accept("only");
        String table = c.name();
        if (table == null) {
            return;
        }
        c.acceptPunct('*');
        if (c.accept("rename")) {
            rename(table);
        } else if (c.accept("set", "schema")) {
            String schema = c.ident();
            if (schema != null) {
                out.add(new Action.RenameTable(table, schema + "." + table.substring(table.lastIndexOf('.') + 1)));
            }
        } else if (c.accept("attach", "partition")) {
            out.add(new Action.Locks(table, LockMode.SHARE_UPDATE_EXCLUSIVE));
        } else if (c.accept("detach", "partition")) {
            boolean concurrently = c.containsAhead("concurrently");
            transactional = !concurrently;
            out.add(new Action.Locks(table, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE));
        } else {
            for (List<Token> part : c.splitAtCommas()) {
                subcommand(table, new Cursor(part));
            }
        }
    }

    private void rename(String table) {
        if (c.accept("to")) {
            String to = c.name();
            if (to != null) {
                out.add(new Action.RenameTable(table, to));
            }
        } else if (c.accept("constraint")) {
            out.add(new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE));
        } else {
            c.accept("column");
            String from = c.ident();
            if (from != null && c.accept("to")) {
                String to = c.ident();
                if (to != null) {
                    out.add(new Action.RenameColumn(table, from, to));
                }
            }
        }
    }

    private void subcommand(String table, Cursor s) {
        if (s.accept("add")) {
            if (Set.of("constraint", "check", "unique", "primary", "foreign", "exclude").contains(s.peekWord())) {
                out.add(addConstraint(table, s));
                return;
            }
            s.accept("column");
            s.accept("if", "not", "exists");
            String column = s.ident();
            if (column == null) {
                out.add(new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE));
                return;
            }
            List<Token> type = s.until(t -> COLUMN_CONSTRAINT_WORDS.contains(t.text().toLowerCase(Locale.ROOT)) && t.kind() == Kind.WORD);
            out.add(column(table, column, type, s));
        } else if (s.accept("drop")) {
            String column = null;
            if (!s.accept("constraint")) {
                s.accept("column");
                s.accept("if", "exists");
                column = s.ident();
            }
            out.add(column == null ? new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE) : new Action.DropColumn(table, column));
        } else if (s.accept("alter")) {
            s.accept("column");
            String column = s.ident();
            out.add(column == null ? new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE) : alterColumn(table, column, s));
        } else if (s.accept("validate", "constraint")) {
            out.add(new Action.ValidateConstraint(table, s.ident()));
        } else if ((s.word("enable") || s.word("disable")) && s.containsAhead("trigger")) {
            out.add(new Action.Locks(table, LockMode.SHARE_ROW_EXCLUSIVE));
        } else if (s.accept("set", "without", "cluster") || s.accept("cluster", "on") || storageParameters(s)) {
            out.add(new Action.Locks(table, LockMode.SHARE_UPDATE_EXCLUSIVE));
        } else {
            out.add(new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE));
        }
    }

    /** SET (...) or RESET (...): storage parameters, which take SHARE UPDATE EXCLUSIVE. */
    private static boolean storageParameters(Cursor s) {
        Token after = s.peek(1);
        return (s.word("set") || s.word("reset")) && after != null && after.is('(');
    }

    private static Action alterColumn(String table, String column, Cursor s) {
        if (s.accept("type") || s.accept("set", "data", "type")) {
            List<Token> type = s.until(t -> t.isWord("using") || t.isWord("collate"));
            if (s.accept("collate")) {
                s.name();
            }
            List<Token> using = s.accept("using") ? s.rest() : List.of();
            return new Action.ChangeType(table, column, Cursor.render(type, true), using.isEmpty() ? null : Cursor.render(using, false));
        }
        if (s.accept("set", "not", "null")) {
            return new Action.SetNotNull(table, column);
        }
        if (s.accept("drop", "default")) {
            return new Action.DropDefault(table, column);
        }
        if (s.accept("set", "statistics") || storageParameters(s)) {
            return new Action.Locks(table, LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
        return new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE);
    }

    /** ADD [CONSTRAINT name] CHECK | UNIQUE | PRIMARY KEY | FOREIGN KEY | EXCLUDE ..., the cursor after ADD. */
    static Action addConstraint(String table, Cursor s) {
        String name = s.accept("constraint") ? s.ident() : null;
        ConstraintType type;
        String references = null;
        String notNullColumn = null;
        boolean usingIndex = false;
        if (s.accept("check")) {
            type = ConstraintType.CHECK;
            notNullColumn = notNullCheck(s.group());
        } else if (s.accept("unique")) {
            type = ConstraintType.UNIQUE;
            usingIndex = s.accept("using", "index");
        } else if (s.accept("primary", "key")) {
            type = ConstraintType.PRIMARY_KEY;
            usingIndex = s.accept("using", "index");
        } else if (s.accept("foreign", "key")) {
            type = ConstraintType.FOREIGN_KEY;
            s.group();
            references = s.accept("references") ? s.name() : null;
        } else if (s.accept("exclude")) {
            type = ConstraintType.EXCLUDE;
        } else {
            return new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE);
        }
        boolean notValid = s.containsAhead("not", "valid");
        return new AddConstraint(table, name, type, notValid, usingIndex, references, notNullColumn);
    }

    /** The column of a check that is exactly {@code column IS NOT NULL}, else null. */
    private static String notNullCheck(List<Token> inside) {
        Cursor k = new Cursor(inside);
        String column = k.ident();
        return column != null && k.accept("is", "not", "null") && k.atEnd() ? column : null;
    }

    /** A column definition: its type's tokens, then the cursor at its constraints (NOT NULL, DEFAULT ...). */
    static AddColumn column(String table, String column, List<Token> type, Cursor d) {
        boolean notNull = false;
        boolean unique = false;
        boolean check = false;
        String defaultExpr = null;
        String generated = null;
        String references = null;
        while (!d.atEnd()) {
            if (d.accept("constraint")) {
                d.ident();
            } else if (d.accept("not", "null")) {
                notNull = true;
            } else if (d.accept("check")) {
                check = true;
                d.group();
                d.accept("no", "inherit");
            } else if (d.accept("default")) {
                List<Token> e = new ArrayList<>();
                Token first = d.peek();
                if (first != null && (first.is('(') || first.is('['))) {
                    e.add(first);
                    e.addAll(d.group());
                    e.add(new Token(Kind.PUNCT, first.is('(') ? ")" : "]", 0, 0, first.depth(), true));
                } else if (first != null) {
                    e.add(d.next());
                }
                e.addAll(d.until(t -> t.kind() == Kind.WORD && COLUMN_CONSTRAINT_WORDS.contains(t.text().toLowerCase(Locale.ROOT))));
                defaultExpr = e.size() == 1 && e.get(0).isWord("null") ? null : Cursor.render(e, false);
            } else if (d.accept("generated")) {
                if (!d.accept("always")) {
                    d.accept("by", "default");
                }
                d.accept("as");
                if (d.accept("identity")) {
                    generated = "identity";
                    d.group();
                } else {
                    d.group();
                    generated = d.accept("stored") ? "stored" : "virtual";
                }
            } else if (d.accept("unique") || d.accept("primary", "key")) {
                unique = true;
            } else if (d.accept("references")) {
                references = d.name();
                d.group();
                referentialActions(d);
            } else {
                d.next();
            }
        }
        return new AddColumn(table, column, Cursor.render(type, true), notNull, defaultExpr, generated, references, unique, check);
    }

    /** MATCH ... and ON DELETE / ON UPDATE actions after REFERENCES, so that SET DEFAULT is not read as a default. */
    private static void referentialActions(Cursor d) {
        while (true) {
            if (d.accept("match")) {
                d.next();
            } else if (d.accept("on")) {
                d.next();
                if (d.accept("set")) {
                    d.next();
                    d.group();
                } else if (!d.accept("no", "action")) {
                    d.next();
                }
            } else {
                return;
            }
        }
    }

    private void alterType() {
        String type = c.name();
        if (type == null) {
            return;
        }
        if (c.accept("add", "value")) {
            c.accept("if", "not", "exists");
            Token v = c.next();
            if (v != null && v.kind() == Kind.STRING) {
                out.add(new Action.EnumAddValue(type, Cursor.stringValue(v)));
            }
        } else if (c.accept("rename", "value")) {
            Token from = c.next();
            Token to = c.accept("to") ? c.next() : null;
            if (from != null && to != null && from.kind() == Kind.STRING && to.kind() == Kind.STRING) {
                out.add(new Action.EnumRenameValue(type, Cursor.stringValue(from), Cursor.stringValue(to)));
            }
        }
    }

    // ---- CREATE ----

    private void create() {
        c.accept("or", "replace");
        c.accept("unique");
        while (c.accept("temp") || c.accept("temporary") || c.accept("unlogged") || c.accept("global") || c.accept("local")) {
            // persistence words change nothing here
        }
        if (c.accept("index")) {
            object("index");
            createIndex();
        } else if (c.accept("table")) {
            object("table");
            createTable();
        } else if (c.accept("materialized", "view")) {
            object("materialized view");
            c.accept("if", "not", "exists");
            addIfNamed(c.name(), Action.CreateView::new);
        } else if (c.accept("view") || c.accept("recursive", "view")) {
            object("view");
            addIfNamed(c.name(), Action.CreateView::new);
        } else if (c.accept("type")) {
            object("type");
            addIfNamed(c.name(), Action.CreateType::new);
        } else if (c.accept("trigger") || c.accept("constraint", "trigger")) {
            object("trigger");
            c.until(t -> t.isWord("on"));
            if (c.accept("on")) {
                String table = c.name();
                if (table != null) {
                    out.add(new Action.Locks(table, LockMode.SHARE_ROW_EXCLUSIVE));
                }
            }
        } else {
            String w = c.peekWord();
            if (!w.isEmpty()) {
                object(w);
            }
            transactional = !(w.equals("database") || w.equals("tablespace"));
        }
    }

    private void addIfNamed(String name, Function<String, Action> make) {
        if (name != null) {
            out.add(make.apply(name));
        }
    }

    private void createIndex() {
        boolean concurrently = c.accept("concurrently");
        transactional = !concurrently;
        c.accept("if", "not", "exists");
        String index = c.word("on") ? null : c.name();
        if (!c.accept("on")) {
            return;
        }
        c.accept("only");
        String table = c.name();
        if (table != null) {
            out.add(new Action.CreateIndex(index, table, concurrently));
        }
    }

    private void createTable() {
        c.accept("if", "not", "exists");
        String table = c.name();
        if (table == null) {
            return;
        }
        // in name order, as the tree lists column and table constraints apart
        TreeSet<String> references = new TreeSet<>();
        if (c.peek() != null && c.peek().is('(')) {
            referencedTables(new Cursor(c.group()), references);
        }
        out.add(new Action.CreateTable(table, List.copyOf(references)));
    }

    /** The tables every REFERENCES in the rest names. */
    static void referencedTables(Cursor c, Set<String> into) {
        while (!c.atEnd()) {
            if (c.accept("references")) {
                String ref = c.name();
                if (ref != null) {
                    into.add(ref);
                }
            } else {
                c.next();
            }
        }
    }

    // ---- DROP, TRUNCATE ----

    private void drop() {
        if (c.accept("table")) {
            object("table");
            c.accept("if", "exists");
            names().forEach(n -> out.add(new Action.DropTable(n)));
        } else if (c.accept("index")) {
            object("index");
            boolean concurrently = c.accept("concurrently");
            transactional = !concurrently;
            c.accept("if", "exists");
            names().forEach(n -> out.add(new Action.DropIndex(n, concurrently)));
        } else if (c.accept("type")) {
            object("type");
            c.accept("if", "exists");
            names().forEach(n -> out.add(new Action.DropType(n)));
        } else if (c.word("view") || c.word("materialized") && c.peek(1) != null && c.peek(1).isWord("view")) {
            object(c.accept("view") ? "view" : "materialized view");
            c.accept("materialized", "view");
            c.accept("if", "exists");
            names().forEach(n -> out.add(new Action.DropView(n)));
        } else {
            String w = c.peekWord();
            if (!w.isEmpty()) {
                object(w);
            }
            transactional = !(w.equals("database") || w.equals("tablespace"));
        }
    }

    /** {@code name [, name ...]}, each possibly preceded by ONLY and followed by '*'. */
    private List<String> names() {
        List<String> names = new ArrayList<>();
        do {
            c.accept("only");
            String n = c.name();
            if (n == null) {
                break;
            }
            c.acceptPunct('*');
            names.add(n);
        } while (c.acceptPunct(','));
        return names;
    }

    private void truncate() {
        c.accept("table");
        names().forEach(n -> out.add(new Action.Truncate(n)));
    }

    // ---- maintenance ----

    private void reindex() {
        boolean concurrently = option(c.group(), "concurrently");
        String target = c.peekWord().toUpperCase(Locale.ROOT);
        if (!Set.of("INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM").contains(target)) {
            return;
        }
        c.next();
        concurrently |= c.accept("concurrently");
        transactional = !concurrently && (target.equals("INDEX") || target.equals("TABLE"));
        out.add(new Action.Reindex(target, c.name(), concurrently));
    }

    /** Whether a parenthesized option list (VACUUM, REINDEX) turns {@code option} on. */
    private static boolean option(List<Token> options, String option) {
        Cursor o = new Cursor(options);
        for (List<Token> part : o.splitAtCommas()) {
            Cursor p = new Cursor(part);
            if (p.accept(option)) {
                Token value = p.peek();
                String v = value == null ? "true" : value.kind() == Kind.STRING ? Cursor.stringValue(value) : value.text();
                if (!Set.of("false", "off", "0", "no").contains(v.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void refresh() {
        if (!c.accept("materialized", "view")) {
            return;
        }
        object("materialized view");
        boolean concurrently = c.accept("concurrently");
        String view = c.name();
        if (view != null) {
            out.add(new Action.Refresh(view, concurrently));
        }
    }

    private void vacuum() {
        transactional = false;
        boolean full = false;
        if (c.peek() != null && c.peek().is('(')) {
            full = option(c.group(), "full");
        } else {
            while (Set.of("full", "freeze", "verbose", "analyze", "analyse").contains(c.peekWord())) {
                full |= c.next().isWord("full");
            }
        }
        List<String> tables = new ArrayList<>();
        do {
            String t = c.name();
            if (t == null) {
                break;
            }
            c.group();
            tables.add(t);
        } while (c.acceptPunct(','));
        if (full) {
            if (tables.isEmpty()) {
                out.add(new Action.VacuumFull(null));
            }
            tables.forEach(t -> out.add(new Action.VacuumFull(t)));
        }
    }

    private void cluster() {
        c.group();
        c.accept("verbose");
        String table = c.name();
        if (c.accept("on")) {
            // the old form CLUSTER index ON table
            table = c.name();
        }
        transactional = table != null;
        out.add(new Action.Cluster(table));
    }

    private void lock() {
        c.accept("table");
        List<String> tables = names();
        LockMode mode = LockMode.ACCESS_EXCLUSIVE;
        if (c.accept("in")) {
            List<Token> words = c.until(t -> t.isWord("mode"));
            LockMode named = LockMode.named(Cursor.render(words, true));
            mode = named == null ? mode : named;
        }
        for (String t : tables) {
            out.add(new Action.LockTable(t, mode));
        }
    }

    // ---- settings and transactions ----

    private void set() {
        boolean local = c.accept("local");
        if (!local) {
            c.accept("session");
        }
        if ("lock_timeout".equals(c.name()) && (c.accept("to") || c.acceptPunct('='))) {
            out.add(new Action.LockTimeout(positive(c.peek()), local));
        }
    }

    /** Whether a setting's value is a duration above zero ('2s', 2000, '1min'); DEFAULT, 0 and '0' are not. */
    static boolean positive(Token value) {
        if (value == null || !(value.kind() == Kind.STRING || value.kind() == Kind.NUMBER)) {
            return false;
        }
        String v = value.kind() == Kind.STRING ? Cursor.stringValue(value) : value.text();
        Matcher m = LEADING_NUMBER.matcher(v);
        try {
            return m.find() && Double.parseDouble(m.group(1)) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code SELECT set_config('lock_timeout', value, is_local)}. */
    private void setConfig() {
        while (!c.atEnd()) {
            if (c.accept("set_config") && c.peek() != null && c.peek().is('(')) {
                List<List<Token>> args = new Cursor(c.group()).splitAtCommas();
                if (args.size() == 3 && args.get(0).size() == 1 && args.get(1).size() == 1 && args.get(2).size() == 1
                        && args.get(0).get(0).kind() == Kind.STRING
                        && Cursor.stringValue(args.get(0).get(0)).equalsIgnoreCase("lock_timeout")) {
                    Token isLocal = args.get(2).get(0);
                    boolean local = isLocal.isWord("true") || isLocal.kind() == Kind.STRING
                            && Set.of("t", "true", "on", "1", "yes").contains(Cursor.stringValue(isLocal).toLowerCase(Locale.ROOT));
                    out.add(new Action.LockTimeout(positive(args.get(1).get(0)), local));
                }
            } else {
                c.next();
            }
        }
    }

    private void end() {
        c.accept("work");
        c.accept("transaction");
        if (c.word("to")) {
            // ROLLBACK TO SAVEPOINT keeps the transaction
            return;
        }
        if (c.accept("prepared")) {
            // COMMIT PREPARED and ROLLBACK PREPARED finish a transaction prepared earlier, from outside any
            transactional = false;
            return;
        }
        out.add(new Action.Commit());
        if (c.accept("and", "chain")) {
            out.add(new Action.Begin());
        }
    }
}
