package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import io.kubestead.check.Action.ConstraintType;
import io.kubestead.common.SqlLexer.Kind;
import io.kubestead.common.SqlLexer.Token;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.CreateFunctionalStatement;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.analyze.Analyze;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CheckConstraint;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.create.table.NamedConstraint;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Derives a statement's actions from JSqlParser's syntax tree. Its grammar is not PostgreSQL's: it parses some
 * statements into a tree that drops or misplaces words (DROP INDEX CONCURRENTLY x reads as an index named
 * CONCURRENTLY), and keeps a column's constraints as a list of words. Whatever the tree does not state plainly yields
 * null, and the token-level classifier reads the statement instead.
 */
final class TreeReader {

    private TreeReader() {
    }

    /** The actions, or null when the tree does not tell everything the rules need. */
    static List<Action> read(Statement st, List<Token> tokens) {
        if (st instanceof Alter a) {
            return alter(a);
        }
        if (st instanceof CreateIndex ci) {
            return createIndex(ci, tokens);
        }
        if (st instanceof CreateTable ct) {
            return createTable(ct);
        }
        if (st instanceof CreateView cv) {
            return one(cv.getView() == null ? null : new Action.CreateView(name(cv.getView())));
        }
        if (st instanceof Drop d) {
            return drop(d, tokens);
        }
        if (st instanceof Truncate t) {
            List<Action> out = new ArrayList<>();
            for (Table table : t.getTables() == null ? List.<Table>of() : t.getTables()) {
                out.add(new Action.Truncate(name(table)));
            }
            return out.isEmpty() ? null : out;
        }
        if (st instanceof RefreshMaterializedViewStatement r) {
            return one(r.getView() == null ? null : new Action.Refresh(name(r.getView()), r.isConcurrently()));
        }
        if (st instanceof SetStatement s) {
            return set(s);
        }
        if (st instanceof Commit) {
            return hasWord(tokens, "chain") ? null : List.of(new Action.Commit());
        }
        if (st instanceof RollbackStatement r) {
            return r.getSavepointName() != null || hasWord(tokens, "chain") || hasWord(tokens, "to") ? null : List.of(new Action.Commit());
        }
        boolean data = st instanceof Select || st instanceof Insert || st instanceof Update || st instanceof Delete
                || st instanceof Merge;
        if (data && !hasWord(tokens, "set_config")) {
            return List.of();
        }
        if (st instanceof CreateFunctionalStatement || st instanceof Comment || st instanceof CreateSequence
                || st instanceof AlterSequence || st instanceof CreateSchema || st instanceof Analyze || st instanceof Grant) {
            return List.of();
        }
        return null;
    }

    private static List<Action> one(Action a) {
        return a == null ? null : List.of(a);
    }

    private static boolean hasWord(List<Token> tokens, String word) {
        return tokens.stream().anyMatch(t -> t.isWord(word));
    }

    // ---- names, as the token-level classifier renders them ----

    static String name(Table t) {
        return t == null ? null : name(t.getFullyQualifiedName());
    }

    /** A possibly qualified name from the tree's text, rendered by {@link Cursor#name}; null if it is not one. */
    static String name(String raw) {
        if (raw == null) {
            return null;
        }
        Cursor c = Cursor.of(raw);
        String n = c.name();
        return c.atEnd() ? n : null;
    }

    private static String ident(String raw) {
        if (raw == null) {
            return null;
        }
        Cursor c = Cursor.of(raw);
        String n = c.ident();
        return c.atEnd() ? n : null;
    }

    // ---- ALTER TABLE ----

    private static List<Action> alter(Alter a) {
        String table = name(a.getTable());
        if (table == null || a.getAlterExpressions() == null || a.getAlterExpressions().isEmpty()) {
            return null;
        }
        List<Action> out = new ArrayList<>();
        for (AlterExpression e : a.getAlterExpressions()) {
            Action x = expression(table, e);
            if (x == null) {
                return null;
            }
            out.add(x);
        }
        return out;
    }

    private static Action expression(String table, AlterExpression e) {
        if (e.getOperation() == null) {
            return null;
        }
        return switch (e.getOperation()) {
            case ADD -> add(table, e);
            case DROP -> e.getColumnName() != null ? new Action.DropColumn(table, ident(e.getColumnName()))
                    : e.getConstraintName() != null ? new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE) : null;
            case RENAME -> e.getColumnOldName() == null || e.getColumnName() == null ? null
                    : new Action.RenameColumn(table, ident(e.getColumnOldName()), ident(e.getColumnName()));
            case RENAME_TABLE -> e.getNewTableName() == null ? null : new Action.RenameTable(table, name(e.getNewTableName()));
            case RENAME_CONSTRAINT -> new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE);
            case ALTER -> alterColumn(table, e);
            case UNSPECIFIC -> unspecific(table, e.getOptionalSpecifier());
            default -> null;
        };
    }

    private static Action add(String table, AlterExpression e) {
        boolean columnOnly = e.getIndex() == null && e.getPkColumns() == null && e.getUkColumns() == null
                && e.getFkColumns() == null;
        if (e.getColDataTypeList() != null && e.getColDataTypeList().size() == 1 && columnOnly) {
            ColumnDefinition cd = e.getColDataTypeList().get(0);
            String column = ident(cd.getColumnName());
            if (column == null || cd.getColDataType() == null) {
                return null;
            }
            List<String> specs = cd.getColumnSpecs() == null ? List.of() : cd.getColumnSpecs();
            return TokenReader.column(table, column, Cursor.tokens(cd.getColDataType().toString()),
                    Cursor.of(String.join(" ", specs)));
        }
        if (e.getColDataTypeList() != null) {
            return null;
        }
        Index index = e.getIndex();
        if (index instanceof CheckConstraint check) {
            return new Action.AddConstraint(table, ident(check.getName()), ConstraintType.CHECK, false, false, null,
                    notNullColumn(check.getExpression()));
        }
        if (index instanceof ForeignKeyIndex fk) {
            return fk.getTable() == null ? null : new Action.AddConstraint(table, ident(fk.getName()),
                    ConstraintType.FOREIGN_KEY, false, false, name(fk.getTable()), null);
        }
        if (index instanceof NamedConstraint named && named.getType() != null) {
            String type = named.getType().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            ConstraintType t = type.equals("UNIQUE") ? ConstraintType.UNIQUE : type.equals("PRIMARY KEY") ? ConstraintType.PRIMARY_KEY : null;
            return t == null ? null : new Action.AddConstraint(table, ident(named.getName()), t, false, false, null, null);
        }
        if (index != null) {
            return null;
        }
        if (e.getFkColumns() != null && e.getFkSourceTable() != null) {
            String ref = e.getFkSourceSchema() == null ? e.getFkSourceTable() : e.getFkSourceSchema() + "." + e.getFkSourceTable();
            return new Action.AddConstraint(table, null, ConstraintType.FOREIGN_KEY, false, false, name(ref), null);
        }
        if (e.getUkColumns() != null) {
            return new Action.AddConstraint(table, ident(e.getUkName()), ConstraintType.UNIQUE, false, false, null, null);
        }
        if (e.getPkColumns() != null) {
            return new Action.AddConstraint(table, null, ConstraintType.PRIMARY_KEY, false, false, null, null);
        }
        return null;
    }

    /** The column of {@code column IS NOT NULL}, else null. */
    private static String notNullColumn(Expression e) {
        if (e instanceof IsNullExpression n && n.isNot() && !n.isUseIsNull() && !n.isUseNotNull()
                && n.getLeftExpression() instanceof Column col && col.getTable() == null) {
            return ident(col.getColumnName());
        }
        return null;
    }

    private static Action alterColumn(String table, AlterExpression e) {
        if (e.getColumnDropDefaultList() != null && e.getColumnDropDefaultList().size() == 1 && e.getColDataTypeList() == null) {
            String column = ident(e.getColumnDropDefaultList().get(0).getColumnName());
            return column == null ? null : new Action.DropDefault(table, column);
        }
        if (e.getColumnSetDefaultList() != null && e.getColumnSetDefaultList().size() == 1 && e.getColDataTypeList() == null) {
            return new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE);
        }
        if (e.getColDataTypeList() == null || e.getColDataTypeList().size() != 1) {
            return null;
        }
        AlterExpression.ColumnDataType cd = e.getColDataTypeList().get(0);
        String column = ident(cd.getColumnName());
        if (column == null) {
            return null;
        }
        List<String> specs = cd.getColumnSpecs() == null ? List.of() : cd.getColumnSpecs();
        String words = String.join(" ", specs).toUpperCase(Locale.ROOT);
        String type = cd.getColDataType() == null ? null : cd.getColDataType().toString();
        // the tree keeps no flag for TYPE; its rendering writes the word only when the statement had it
        if (type != null && cd.toString().startsWith(cd.getColumnName() + " TYPE ")) {
            if (!specs.isEmpty() && !specs.get(0).equalsIgnoreCase("USING")) {
                return null;
            }
            String using = specs.isEmpty() ? null : Cursor.render(Cursor.tokens(String.join(" ", specs.subList(1, specs.size()))), false);
            return new Action.ChangeType(table, column, Cursor.render(Cursor.tokens(type), true), using);
        }
        if ("SET".equalsIgnoreCase(type) && words.equals("NOT NULL")) {
            return new Action.SetNotNull(table, column);
        }
        if (type == null && words.equals("DROP NOT NULL")) {
            return new Action.Locks(table, LockMode.ACCESS_EXCLUSIVE);
        }
        if ("SET".equalsIgnoreCase(type) && words.startsWith("STATISTICS ")) {
            return new Action.Locks(table, LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
        return null;
    }

    /** What the tree keeps only as text: VALIDATE CONSTRAINT c, SET (storage parameters). */
    private static Action unspecific(String table, String specifier) {
        if (specifier == null) {
            return null;
        }
        Cursor c = Cursor.of(specifier);
        if (c.accept("validate", "constraint")) {
            String name = c.ident();
            return name != null && c.atEnd() ? new Action.ValidateConstraint(table, name) : null;
        }
        if (c.accept("set") && c.peek() != null && c.peek().is('(')) {
            return new Action.Locks(table, LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
        return null;
    }

    // ---- CREATE, DROP ----

    private static List<Action> createIndex(CreateIndex ci, List<Token> tokens) {
        if (hasWord(tokens, "concurrently") || ci.getTable() == null || ci.getIndex() == null) {
            return null;
        }
        String index = ci.getIndex().getName() == null ? null : name(ci.getIndex().getName());
        return List.of(new Action.CreateIndex(index, name(ci.getTable()), false));
    }

    private static List<Action> createTable(CreateTable ct) {
        String table = name(ct.getTable());
        if (table == null) {
            return null;
        }
        TreeSet<String> references = new TreeSet<>();
        if (ct.getColumnDefinitions() != null) {
            for (ColumnDefinition cd : ct.getColumnDefinitions()) {
                TokenReader.referencedTables(Cursor.of(String.join(" ", cd.getColumnSpecs() == null ? List.of() : cd.getColumnSpecs())),
                        references);
            }
        }
        if (ct.getIndexes() != null) {
            for (Index i : ct.getIndexes()) {
                if (i instanceof ForeignKeyIndex fk && fk.getTable() != null) {
                    references.add(name(fk.getTable()));
                }
            }
        }
        return List.of(new Action.CreateTable(table, List.copyOf(references)));
    }

    private static List<Action> drop(Drop d, List<Token> tokens) {
        if (d.getType() == null || d.getName() == null || hasWord(tokens, "concurrently")) {
            return null;
        }
        String n = name(d.getName());
        if (n == null) {
            return null;
        }
        return switch (d.getType().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "TABLE" -> List.of(new Action.DropTable(n));
            case "INDEX" -> List.of(new Action.DropIndex(n, false));
            case "VIEW", "MATERIALIZED VIEW" -> List.of(new Action.DropView(n));
            default -> null;
        };
    }

    // ---- SET ----

    private static List<Action> set(SetStatement s) {
        if (s.getCount() != 1 || s.getName() == null) {
            return null;
        }
        if (!"lock_timeout".equals(name(s.getName().toString()))) {
            return List.of();
        }
        List<Expression> values = s.getExpressions();
        if (values == null || values.size() != 1) {
            return null;
        }
        List<Token> value = Cursor.tokens(values.get(0).toString());
        boolean local = "LOCAL".equalsIgnoreCase(s.getEffectParameter());
        Token first = value.size() == 1 ? value.get(0) : null;
        boolean known = first != null && (first.kind() == Kind.STRING || first.kind() == Kind.NUMBER || first.isWord("default"));
        return known ? List.of(new Action.LockTimeout(TokenReader.positive(first), local)) : null;
    }
}
