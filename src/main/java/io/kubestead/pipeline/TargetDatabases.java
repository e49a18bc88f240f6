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

    /** What an operator needs to know of a target: reachable, which server, how big, and whether it is too powerful. */
    public record Status(String name, boolean reachable, String version, Long sizeBytes, Boolean superuser, String role,
            String error) {
    }

    /** Looks at every target (outside any transaction of Kubestead's own). */
    @io.kubestead.common.RemoteCall
    public java.util.List<Status> statuses() {
        return names().stream().map(this::status).toList();
    }

    @io.kubestead.common.RemoteCall
    public Status status(String name) {
        try (Connection c = open(name); var s = c.createStatement();
                var rs = s.executeQuery("select current_setting('server_version'), pg_database_size(current_database()), "
                        + "r.rolsuper, current_user from pg_roles r where r.rolname = current_user")) {
            rs.next();
            Status st = new Status(name, true, rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4), null);
            c.rollback();
            return st;
        } catch (SQLException e) {
            // the state only: a driver message can carry the URL, the user or a password hint
            return new Status(name, false, null, null, null, null, "unreachable (SQLSTATE "
                    + (e.getSQLState() == null ? "unknown" : e.getSQLState()) + ")");
        }
    }

    void warnAboutSuperusers(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent e) {
        // on a worker, so that a slow target does not hold up the start
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (Status s : statuses()) {
                // every configured target named once at start, reachable or not (never its URL or user)
                org.jboss.logging.Logger.getLogger(TargetDatabases.class).infof("Target database %s: %s", s.name(),
                        s.reachable() ? "PostgreSQL " + s.version() + ", " + s.sizeBytes() / (1024 * 1024) + " MiB" : s.error());
                if (Boolean.TRUE.equals(s.superuser())) {
                    org.jboss.logging.Logger.getLogger(TargetDatabases.class).warnf("Target database %s connects as "
                            + "superuser %s: give Kubestead a role that owns the tables it changes instead (README, "
                            + "Pipelines: least privilege)", s.name(), s.role());
                }
            }
        });
    }

    @io.kubestead.common.RemoteCall
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
