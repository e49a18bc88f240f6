package io.kubestead.check;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The queries the running version sends, as the target's pg_stat_statements has seen them: normalized texts
 * ({@code $1} for constants), for this database, by the stable version's roles (by default every role but the one
 * Kubestead itself connects as: its DDL and backfills are not the application's).
 */
public final class StableQueries {

    /** Statements worth planning against a changed schema. */
    static final String DML = "^\\s*\\(*\\s*(select|insert|update|delete|with|values|table|merge)\\M";

    public record Seen(long queryid, String query, long calls) {
    }

    /** What was read; {@code note} says why nothing was, or what was left out. */
    public record Sample(List<Seen> queries, String note) {
    }

    private StableQueries() {
    }

    /** Reads pg_stat_statements in a read-only transaction, rolled back. */
    public static Sample read(Connection c, List<String> roles, int max) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace "
                    + "where e.extname = 'pg_stat_statements'")) {
                if (!rs.next()) {
                    c.rollback();
                    return new Sample(List.of(), "pg_stat_statements is not installed in this database (shared_preload_libraries "
                            + "= 'pg_stat_statements', then CREATE EXTENSION pg_stat_statements); pass stableQueries instead");
                }
            }
        }
        String roleFilter = roles == null || roles.isEmpty() ? "r.rolname <> current_user" : "r.rolname = any (?)";
        List<Seen> out = new ArrayList<>();
        int hidden = 0;
        try (PreparedStatement ps = c.prepareStatement("select s.queryid, s.query, s.calls from pg_stat_statements s "
                + "join pg_database d on d.oid = s.dbid join pg_roles r on r.oid = s.userid "
                + "where d.datname = current_database() and " + roleFilter + " and (s.query ~* '" + DML
                + "' or s.query = '<insufficient privilege>') order by s.calls desc, s.queryid limit ?")) {
            int i = 1;
            if (roles != null && !roles.isEmpty()) {
                Array array = c.createArrayOf("text", roles.toArray());
                ps.setArray(i++, array);
            }
            ps.setInt(i, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String q = rs.getString(2);
                    if (q == null || "<insufficient privilege>".equals(q)) {
                        hidden++;
                        continue;
                    }
                    out.add(new Seen(rs.getLong(1), q, rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            c.rollback();
            return new Sample(List.of(), "pg_stat_statements could not be read (SQLSTATE " + e.getSQLState() + ")");
        }
        c.rollback();
        return new Sample(out, hidden == 0 ? null : hidden + " queries of other roles are hidden from Kubestead's role: "
                + "grant it pg_read_all_stats");
    }
}
