package io.kubestead.pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.kubestead.testing.PostgresResource;

/** A fresh database for a pipeline to change, on the tests' embedded PostgreSQL. */
public final class TargetDatabase {

    private TargetDatabase() {
    }

    public static String create(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return PostgresResource.postgres().getJdbcUrl("postgres", name);
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, "postgres", null);
    }

    public static void exec(String url, String... sql) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static long count(String url, String sql) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
