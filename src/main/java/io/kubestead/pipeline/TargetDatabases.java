package io.kubestead.pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/** The PostgreSQL databases pipelines change, by name: kubestead.databases."name".jdbc-url / username / password. */
@ApplicationScoped
public class TargetDatabases {

    @ConfigMapping(prefix = "kubestead.databases")
    public interface Config {
        @WithParentName
        Map<String, Target> all();

        interface Target {
            String jdbcUrl();

            Optional<String> username();

            Optional<String> password();
        }
    }

    @Inject
    Config config;

    private final Map<String, Config.Target> added = new java.util.concurrent.ConcurrentHashMap<>();

    public boolean exists(String name) {
        return config.all().containsKey(name) || added.containsKey(name);
    }

    public java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.TreeSet<>(config.all().keySet());
        names.addAll(added.keySet());
        return names;
    }

    /** Registers a target at run time (tests, and databases whose credentials come from elsewhere). */
    public void register(String name, String jdbcUrl, String username, String password) {
        added.put(name, new Config.Target() {
            public String jdbcUrl() {
                return jdbcUrl;
            }

            public Optional<String> username() {
                return Optional.ofNullable(username);
            }

            public Optional<String> password() {
                return Optional.ofNullable(password);
            }
        });
    }

    public Connection open(String name) throws SQLException {
        Config.Target t = added.containsKey(name) ? added.get(name) : config.all().get(name);
        if (t == null) {
            throw new SQLException("no target database named " + name);
        }
        Connection c = DriverManager.getConnection(t.jdbcUrl(), t.username().orElse(null), t.password().orElse(null));
        c.setAutoCommit(false);
        return c;
    }
}
