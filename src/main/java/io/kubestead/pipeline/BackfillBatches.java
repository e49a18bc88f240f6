package io.kubestead.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One batch of a backfill on the target database: the next page of primary keys after the checkpoint (keyset
 * pagination, composite keys included), then one UPDATE of the rows in that key range that still need it. The
 * "still need it" predicate makes a batch that is run twice (a crash between its commit and the checkpoint)
 * change nothing the second time.
 */
public final class BackfillBatches {

    private BackfillBatches() {
    }

    public record Result(int scanned, int updated, List<String> cursor) {
    }

    /** The primary key of a table (name and type, in key order), or an empty list when it has none. */
    public static List<Map<String, String>> primaryKey(Connection c, String table) throws SQLException {
        String sql = """
                select a.attname, format_type(a.atttypid, a.atttypmod)
                from pg_index i
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                where i.indrelid = ?::regclass and i.indisprimary
                order by array_position(i.indkey, a.attnum)""";
        List<Map<String, String>> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(Map.of("name", rs.getString(1), "type", rs.getString(2)));
                }
            }
        }
        return key;
    }

    /** The type of a column as the catalog writes it (e.g. character varying(255)), or null when there is none. */
    public static String columnType(Connection c, String table, String column) throws SQLException {
        String sql = "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = ?::regclass "
                + "and attname = ? and attnum > 0 and not attisdropped";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static long estimatedRows(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select greatest(reltuples, 0)::bigint from pg_class where oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The replication lag of the slowest standby in milliseconds (0 without standbys). */
    public static long replicationLagMillis(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(max(extract(epoch from replay_lag)) * 1000, 0)::bigint "
                        + "from pg_stat_replication")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The greatest primary key of the table now, or null when it is empty. */
    public static List<String> greatestKey(Connection c, String table, List<Map<String, String>> key) throws SQLException {
        String columns = key.stream().map(k -> Recipes.id(k.get("name"))).collect(Collectors.joining(", "));
        String desc = key.stream().map(k -> Recipes.id(k.get("name")) + " desc").collect(Collectors.joining(", "));
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select " + columns + " from " + table + " order by " + desc + " limit 1")) {
            if (!rs.next()) {
                return null;
            }
            List<String> row = new ArrayList<>();
            for (int k = 1; k <= key.size(); k++) {
                row.add(rs.getString(k));
            }
            return row;
        }
    }

    /**
     * Runs and commits one batch of keys after {@code cursor} up to {@code upper}: one statement that pages the
     * keys, updates the rows of that key range that still need it, and returns the last key and the counts.
     */
    public static Result run(Connection c, Plan plan, List<Map<String, String>> key, List<String> cursor,
            List<String> upper, int size, long statementTimeoutMillis) throws SQLException {
        String columns = key.stream().map(k -> Recipes.id(k.get("name"))).collect(Collectors.joining(", "));
        String params = key.stream().map(k -> "?::" + k.get("type")).collect(Collectors.joining(", "));
        String desc = key.stream().map(k -> Recipes.id(k.get("name")) + " desc").collect(Collectors.joining(", "));
        String asText = key.stream().map(k -> Recipes.id(k.get("name")) + "::text").collect(Collectors.joining(", "));
        String after = cursor == null ? "" : " and (" + columns + ") > (" + params + ")";
        String sql = "with batch as (select " + columns + " from " + plan.table() + " where (" + columns + ") <= (" + params
                + ")" + after + " order by " + columns + " limit ?), "
                + "last as (select " + columns + " from batch order by " + desc + " limit 1), "
                + "upd as (update " + plan.table() + " set " + plan.backfillSet() + " where (" + columns
                + ") <= (select " + columns + " from last)" + after + " and (" + plan.needsBackfill() + ") returning 1) "
                + "select (select count(*) from batch), (select count(*) from upd), " + asText + " from last";
        try {
            try (Statement s = c.createStatement()) {
                s.execute("set local statement_timeout = " + Math.max(1, statementTimeoutMillis));
            }
            Result result;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (String v : upper) {
                    ps.setString(i++, v);
                }
                if (cursor != null) {
                    for (String v : cursor) {
                        ps.setString(i++, v);
                    }
                }
                ps.setInt(i++, size);
                if (cursor != null) {
                    for (String v : cursor) {
                        ps.setString(i++, v);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        result = new Result(0, 0, cursor);
                    } else {
                        List<String> last = new ArrayList<>(key.size());
                        for (int k = 0; k < key.size(); k++) {
                            last.add(rs.getString(3 + k));
                        }
                        result = new Result(rs.getInt(1), rs.getInt(2), last);
                    }
                }
            }
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** Rows that disagree after the backfill (must be 0 before migrate). */
    public static long mismatches(Connection c, Plan plan) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(plan.verifySql())) {
            rs.next();
            long n = rs.getLong(1);
            c.commit();
            return n;
        }
    }
}
