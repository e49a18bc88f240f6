package io.kubestead.pipeline;

import java.util.List;

/** Generates the SQL of each phase from a schema change. Identifiers are quoted; types come from the catalog. */
public final class Recipes {

    private Recipes() {
    }

    /** @param columnType the current type of the renamed column, from the target's catalog (rename only) */
    public static Plan plan(SchemaChange change, String columnType) {
        if (change instanceof SchemaChange.RenameColumn r) {
            return rename(r, columnType);
        }
        if (change instanceof SchemaChange.ChangeColumnType c) {
            return changeType(c);
        }
        SchemaChange.Custom c = (SchemaChange.Custom) change;
        String t = table(c.table());
        return new Plan(t, List.of(c.expandSql()), c.set(), "(" + c.where() + ")", List.of(c.contractSql()),
                "expanded by custom SQL", "contracted by custom SQL");
    }

    private static Plan rename(SchemaChange.RenameColumn r, String type) {
        String t = table(r.table());
        String from = id(r.from());
        String to = id(r.to());
        String fn = id(syncName(r.table(), r.from(), r.to()));
        String function = """
                create or replace function %1$s() returns trigger language plpgsql as $kubestead$
                begin
                    -- stable pods write only %2$s; new pods write both: keep the two equal either way
                    if tg_op = 'INSERT' then
                        if new.%3$s is null then
                            new.%3$s := new.%2$s;
                        elsif new.%2$s is null then
                            new.%2$s := new.%3$s;
                        end if;
                    elsif new.%2$s is distinct from old.%2$s and new.%3$s is not distinct from old.%3$s then
                        new.%3$s := new.%2$s;
                    elsif new.%3$s is distinct from old.%3$s and new.%2$s is not distinct from old.%2$s then
                        new.%2$s := new.%3$s;
                    end if;
                    return new;
                end
                $kubestead$""".formatted(fn, from, to);
        return new Plan(t,
                List.of("alter table " + t + " add column if not exists " + to + " " + type, function,
                        "drop trigger if exists " + fn + " on " + t, "create trigger " + fn + " before insert or update on " + t + " for each row execute function "
                                + fn + "()"),
                to + " = " + from, to + " is distinct from " + from,
                List.of("drop trigger if exists " + fn + " on " + t, "drop function if exists " + fn + "()",
                        "alter table " + t + " drop column if exists " + from),
                "expanded: " + r.table() + " has both " + r.from() + " and " + r.to() + ", kept equal by trigger "
                        + syncName(r.table(), r.from(), r.to()) + "; the stable version is unaffected",
                "contracted: " + r.from() + " dropped; " + r.table() + " has only " + r.to());
    }

    private static Plan changeType(SchemaChange.ChangeColumnType c) {
        String t = table(c.table());
        String col = id(c.column());
        String neu = id(c.newColumn());
        String fn = id(syncName(c.table(), c.column(), c.newColumn()));
        String function = """
                create or replace function %1$s() returns trigger language plpgsql as $kubestead$
                begin
                    -- the new column follows the old one through the conversion
                    if tg_op = 'INSERT' or new.%2$s is distinct from old.%2$s then
                        select %4$s into new.%3$s from (select new.*) as %5$s;
                    end if;
                    return new;
                end
                $kubestead$""".formatted(fn, col, neu, c.using(), id(c.table()));
        String converted = "(" + c.using() + ")";
        return new Plan(t,
                List.of("alter table " + t + " add column if not exists " + neu + " " + c.newType(), function,
                        "drop trigger if exists " + fn + " on " + t, "create trigger " + fn + " before insert or update on " + t + " for each row execute function "
                                + fn + "()"),
                neu + " = " + converted, neu + " is distinct from " + converted,
                List.of("drop trigger if exists " + fn + " on " + t, "drop function if exists " + fn + "()",
                        "alter table " + t + " drop column if exists " + col),
                "expanded: " + c.table() + " has " + c.column() + " and " + c.newColumn() + " (" + c.newType()
                        + "), the new one kept in step by trigger; the stable version is unaffected",
                "contracted: " + c.column() + " dropped; " + c.table() + " has " + c.newColumn());
    }

    static String syncName(String table, String a, String b) {
        String n = "ks_sync_" + table + "_" + a + "_" + b;
        return n.length() <= 63 ? n : n.substring(0, 54) + "_" + Integer.toHexString(n.hashCode());
    }

    /** A table name, optionally schema-qualified, quoted. */
    public static String table(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? id(name) : id(name.substring(0, dot)) + "." + id(name.substring(dot + 1));
    }

    public static String id(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
