package io.kubestead.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema of a target database, read from its catalogs and written out as DDL that rebuilds it, without data, in a
 * shadow: extensions, enum, domain and composite types, sequences, functions, tables (partitions, inheritance,
 * identity and generated columns), constraints, indexes, views, materialized views and triggers. Also the size of
 * every table, which the shadow does not have.
 *
 * <p>Everything is read in one read-only, repeatable-read transaction with {@code search_path} set to
 * {@code pg_catalog} alone, so that every name PostgreSQL prints back ({@code format_type}, {@code pg_get_expr},
 * {@code pg_get_indexdef}, ...) comes schema-qualified and quoted where needed.
 */
public final class SchemaCopy {

    /** A table's size on the target. {@code rows} is PostgreSQL's estimate (reltuples), -1 when never analyzed. */
    public record Size(long bytes, long totalBytes, long rows) {
    }

    /** What was read: the DDL in the order it must run, and the sizes by {@code schema.name}. */
    public record Snapshot(String version, int major, List<String> extensions, List<String> ddl, Map<String, Size> sizes,
            int tables, String role) {
    }

    private SchemaCopy() {
    }

    /** Schemas of the application: not PostgreSQL's own, not an extension's. */
    private static final String USER_NS = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)' "
            + "and not exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')";

    private static String notExtension(String catalog, String oid) {
        return "not exists (select 1 from pg_depend e where e.classid = '" + catalog + "'::regclass and e.objid = " + oid
                + " and e.deptype = 'e')";
    }

    /** Reads the target's schema. The connection is left with its transaction rolled back. */
    public static Snapshot read(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set transaction isolation level repeatable read, read only");
            s.execute("set local search_path = pg_catalog");
            String version;
            int major;
            String role;
            try (ResultSet rs = s.executeQuery("select current_setting('server_version'), "
                    + "current_setting('server_version_num')::int / 10000, current_user")) {
                rs.next();
                version = rs.getString(1);
                major = rs.getInt(2);
                role = rs.getString(3);
            }
            List<String> extensions = strings(s, "select quote_ident(extname) from pg_extension where extname <> 'plpgsql' order by extname");
            List<String> ddl = new ArrayList<>();
            ddl.addAll(strings(s, "select 'create schema if not exists ' || quote_ident(n.nspname) from pg_namespace n where "
                    + USER_NS + " and n.nspname <> 'public' order by 1"));
            ddl.addAll(strings(s, "select 'create type ' || format_type(t.oid, null) || ' as enum (' || "
                    + "coalesce(string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder), '') || ')' "
                    + "from pg_type t join pg_namespace n on n.oid = t.typnamespace left join pg_enum e on e.enumtypid = t.oid "
                    + "where t.typtype = 'e' and " + USER_NS + " and " + notExtension("pg_type", "t.oid")
                    + " group by t.oid order by t.oid"));
            ddl.addAll(strings(s, "select 'create type ' || format_type(t.oid, null) || ' as (' || "
                    + "string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum) || ')' "
                    + "from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_class r on r.oid = t.typrelid "
                    + "join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped "
                    + "where t.typtype = 'c' and r.relkind = 'c' and " + USER_NS + " and " + notExtension("pg_type", "t.oid")
                    + " group by t.oid order by t.oid"));
            ddl.addAll(strings(s, "select 'create domain ' || format_type(t.oid, null) || ' as ' || format_type(t.typbasetype, t.typtypmod) "
                    + "|| coalesce(' default ' || t.typdefault, '') || case when t.typnotnull then ' not null' else '' end "
                    + "|| coalesce((select string_agg(' constraint ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), '' order by k.conname) "
                    + "from pg_constraint k where k.contypid = t.oid), '') "
                    + "from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'd' and " + USER_NS
                    + " and " + notExtension("pg_type", "t.oid") + " order by t.oid"));
            // sequences of their own; those behind identity columns come with their column
            ddl.addAll(strings(s, "select format('create sequence %I.%I as %s increment by %s minvalue %s maxvalue %s start with %s%s', "
                    + "n.nspname, c.relname, format_type(q.seqtypid, null), q.seqincrement, q.seqmin, q.seqmax, q.seqstart, "
                    + "case when q.seqcycle then ' cycle' else '' end) from pg_sequence q join pg_class c on c.oid = q.seqrelid "
                    + "join pg_namespace n on n.oid = c.relnamespace where " + USER_NS + " and " + notExtension("pg_class", "c.oid")
                    + " and not exists (select 1 from pg_depend i where i.classid = 'pg_class'::regclass and i.objid = c.oid and i.deptype = 'i') "
                    + "order by c.oid"));
            ddl.addAll(strings(s, "select pg_get_functiondef(p.oid) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                    + "join pg_language l on l.oid = p.prolang where p.prokind in ('f', 'p') and l.lanname in ('sql', 'plpgsql') and "
                    + USER_NS + " and " + notExtension("pg_proc", "p.oid") + " order by p.oid"));
            Map<Long, String> tables = new LinkedHashMap<>();
            ddl.addAll(tables(s, tables));
            String relations = tables.isEmpty() ? "0" : String.join(", ", tables.keySet().stream().map(String::valueOf).toList());
            ddl.addAll(strings(s, "select format('alter table %s add constraint %I %s', k.conrelid::regclass, k.conname, "
                    + "pg_get_constraintdef(k.oid)) from pg_constraint k where k.conrelid in (" + relations + ") "
                    + "and k.contype in ('p', 'u', 'c', 'x') and k.coninhcount = 0 and k.conparentid = 0 "
                    + "order by k.contype <> 'p', k.oid"));
            List<String> views = views(s);
            ddl.addAll(strings(s, "select pg_get_indexdef(i.indexrelid) from pg_index i join pg_class x on x.oid = i.indexrelid "
                    + "join pg_class r on r.oid = i.indrelid join pg_namespace n on n.oid = r.relnamespace "
                    + "where r.relkind in ('r', 'p', 'm') and " + USER_NS + " and " + notExtension("pg_class", "r.oid")
                    + " and not x.relispartition and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid "
                    + "and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x')) order by i.indexrelid"));
            ddl.addAll(strings(s, "select format('alter table %s add constraint %I %s', k.conrelid::regclass, k.conname, "
                    + "pg_get_constraintdef(k.oid)) from pg_constraint k where k.conrelid in (" + relations + ") "
                    + "and k.contype = 'f' and k.conparentid = 0 order by k.oid"));
            ddl.addAll(views);
            ddl.addAll(strings(s, "select pg_get_triggerdef(t.oid) from pg_trigger t join pg_class r on r.oid = t.tgrelid "
                    + "join pg_namespace n on n.oid = r.relnamespace where not t.tgisinternal and " + USER_NS
                    + (major >= 13 ? " and t.tgparentid = 0" : "") + " and " + notExtension("pg_class", "r.oid") + " order by t.oid"));
            Map<String, Size> sizes = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("select n.nspname || '.' || c.relname, pg_relation_size(c.oid), "
                    + "pg_total_relation_size(c.oid), c.reltuples::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where c.relkind in ('r', 'p', 'm') and " + USER_NS)) {
                while (rs.next()) {
                    sizes.put(rs.getString(1), new Size(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            c.rollback();
            return new Snapshot(version, major, extensions, ddl, sizes, tables.size(), role);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    private static List<String> tables(Statement s, Map<Long, String> names) throws SQLException {
        record Table(long oid, String name, char kind, char persistence, String partitionKey, boolean partition, String bound,
                String parent) {
        }
        List<Table> list = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("select c.oid, c.oid::regclass::text, c.relkind, c.relpersistence, "
                + "case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end, c.relispartition, pg_get_expr(c.relpartbound, c.oid), "
                + "(select string_agg(i.inhparent::regclass::text, ', ' order by i.inhseqno) from pg_inherits i where i.inhrelid = c.oid) "
                + "from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and " + USER_NS
                + " and " + notExtension("pg_class", "c.oid") + " order by c.oid")) {
            while (rs.next()) {
                list.add(new Table(rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0), rs.getString(4).charAt(0),
                        rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8)));
                names.put(rs.getLong(1), rs.getString(2));
            }
        }
        Map<Long, List<String>> columns = new LinkedHashMap<>();
        if (!list.isEmpty()) {
            try (ResultSet rs = s.executeQuery("select a.attrelid, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
                    + "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attislocal "
                    + "from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
                    + "where a.attnum > 0 and not a.attisdropped and a.attrelid in ("
                    + String.join(", ", names.keySet().stream().map(String::valueOf).toList()) + ") order by a.attrelid, a.attnum")) {
                while (rs.next()) {
                    if (!rs.getBoolean(8)) {
                        continue; // inherited: the parent brings it
                    }
                    StringBuilder col = new StringBuilder(rs.getString(2)).append(' ').append(rs.getString(3));
                    String expr = rs.getString(5);
                    String identity = rs.getString(6);
                    String generated = rs.getString(7);
                    if ("s".equals(generated)) {
                        col.append(" generated always as (").append(expr).append(") stored");
                    } else if ("a".equals(identity) || "d".equals(identity)) {
                        col.append(" generated ").append("a".equals(identity) ? "always" : "by default").append(" as identity");
                    } else if (expr != null) {
                        col.append(" default ").append(expr);
                    }
                    if (rs.getBoolean(4)) {
                        col.append(" not null");
                    }
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(col.toString());
                }
            }
        }
        List<String> ddl = new ArrayList<>();
        // parents before children: a partition or child names its parent
        List<Table> ordered = new ArrayList<>(list.stream().filter(t -> t.parent() == null).toList());
        List<Table> rest = new ArrayList<>(list.stream().filter(t -> t.parent() != null).toList());
        while (!rest.isEmpty()) {
            int before = rest.size();
            for (var it = rest.iterator(); it.hasNext();) {
                Table t = it.next();
                boolean parentsDone = java.util.Arrays.stream(t.parent().split(", "))
                        .allMatch(p -> ordered.stream().anyMatch(o -> o.name().equals(p)) || !names.containsValue(p));
                if (parentsDone) {
                    ordered.add(t);
                    it.remove();
                }
            }
            if (rest.size() == before) {
                ordered.addAll(rest);
                break;
            }
        }
        for (Table t : ordered) {
            String unlogged = t.persistence() == 'u' ? "unlogged " : "";
            List<String> cols = columns.getOrDefault(t.oid(), List.of());
            if (t.partition()) {
                ddl.add("create " + unlogged + "table " + t.name() + " partition of " + t.parent() + " " + t.bound()
                        + (t.partitionKey() == null ? "" : " partition by " + t.partitionKey()));
                continue;
            }
            StringBuilder sql = new StringBuilder("create ").append(unlogged).append("table ").append(t.name()).append(" (")
                    .append(String.join(", ", cols)).append(')');
            if (t.parent() != null) {
                sql.append(" inherits (").append(t.parent()).append(')');
            }
            if (t.partitionKey() != null) {
                sql.append(" partition by ").append(t.partitionKey());
            }
            ddl.add(sql.toString());
        }
        return ddl;
    }

    private static List<String> views(Statement s) throws SQLException {
        List<String> ddl = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("select c.oid::regclass::text, c.relkind, pg_get_viewdef(c.oid), c.relispopulated from pg_class c "
                + "join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('v', 'm') and " + USER_NS + " and "
                + notExtension("pg_class", "c.oid") + " order by c.oid")) {
            while (rs.next()) {
                String body = rs.getString(3).strip();
                if (body.endsWith(";")) {
                    body = body.substring(0, body.length() - 1);
                }
                // populated as on the target (over empty tables: instantly), so that REFRESH ... CONCURRENTLY works as there
                ddl.add("m".equals(rs.getString(2)) ? "create materialized view " + rs.getString(1) + " as " + body
                        + (rs.getBoolean(4) ? " with data" : " with no data")
                        : "create view " + rs.getString(1) + " as " + body);
            }
        }
        return ddl;
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
