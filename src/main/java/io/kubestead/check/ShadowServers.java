package io.kubestead.check;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.kubestead.boot.EmbeddedDatabase;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.RemoteCall;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL servers shadows are built on, and the shadows themselves: one database per check, created from
 * template0, owned by and used as a role without SUPERUSER (the SQL under check runs there, and must not be able
 * to read the server's files or run programs), dropped when the check ends.
 */
@ApplicationScoped
@RemoteCall
public class ShadowServers {

    private static final Logger LOG = Logger.getLogger(ShadowServers.class);
    static final String EMBEDDED = "embedded";
    static final String ROLE = "kubestead_shadow";

    public record Server(String name, String url, String user, String password, int major, String version) {
    }

    /** A shadow database; {@link #close()} drops it. */
    public static final class Shadow implements AutoCloseable {
        private final Server server;
        private final String database;

        Shadow(Server server, String database) {
            this.server = server;
            this.database = database;
        }

        public Server server() {
            return server;
        }

        public String database() {
            return database;
        }

        /**
         * A connection on the simple query protocol: stable queries carry {@code $1} placeholders that PostgreSQL
         * must see as written, not as parameters of a prepared statement the driver would have to bind.
         */
        public Connection open() throws SQLException {
            java.util.Properties p = new java.util.Properties();
            if (server.user() != null) {
                p.setProperty("user", server.user());
            }
            if (server.password() != null) {
                p.setProperty("password", server.password());
            }
            p.setProperty("preferQueryMode", "simple");
            return DriverManager.getConnection(withDatabase(server.url(), database), p);
        }

        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + database + " with (force)");
            } catch (SQLException e) {
                LOG.warnf("Could not drop shadow database %s on %s (SQLSTATE %s); it is dropped at the next start",
                        database, server.name(), e.getSQLState());
            }
        }
    }

    @Inject
    CheckSettings settings;

    @Inject
    KubesteadConfig config;

    private EmbeddedPostgres embedded;
    private Server embeddedServer;
    private List<Server> configured;
    private final List<String> refused = new ArrayList<>();

    /** Creates a shadow database on the server whose major version is the target's, or on the embedded one. */
    public Shadow create(int targetMajor) throws SQLException {
        Server server = pick(targetMajor);
        if (server == null) {
            return null;
        }
        String name = "ks_shadow_" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                Statement s = c.createStatement()) {
            s.execute("create database " + name + " template template0");
        }
        return new Shadow(server, name);
    }

    /** Why no configured server was used (a superuser, unreachable), for the report. */
    public synchronized List<String> refused() {
        return List.copyOf(refused);
    }

    synchronized Server pick(int targetMajor) throws SQLException {
        if (configured == null) {
            configured = new ArrayList<>();
            for (Map.Entry<String, CheckSettings.Shadow> e : new java.util.TreeMap<>(settings.shadows()).entrySet()) {
                CheckSettings.Shadow s = e.getValue();
                try {
                    Server server = probe(e.getKey(), s.jdbcUrl(), s.username().orElse(null), s.password().orElse(null));
                    if (server != null) {
                        configured.add(server);
                    }
                } catch (SQLException ex) {
                    refused.add(e.getKey() + ": unreachable (SQLSTATE " + ex.getSQLState() + ")");
                    LOG.warnf("Shadow server %s is unreachable (SQLSTATE %s)", e.getKey(), ex.getSQLState());
                }
            }
        }
        for (Server s : configured) {
            if (s.major() == targetMajor) {
                return s;
            }
        }
        if (settings.embeddedShadow()) {
            return embedded();
        }
        return configured.isEmpty() ? null : configured.get(0);
    }

    private Server probe(String name, String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_setting('server_version'), current_setting('server_version_num')::int / 10000, "
                        + "r.rolsuper, r.rolcreatedb from pg_roles r where r.rolname = current_user")) {
            rs.next();
            if (rs.getBoolean(3) || !rs.getBoolean(4)) {
                String why = rs.getBoolean(3) ? "connects as a superuser; the SQL under check runs there, so a role without "
                        + "SUPERUSER and with CREATEDB is required" : "its role lacks CREATEDB";
                refused.add(name + ": " + why);
                LOG.warnf("Shadow server %s is not used: %s", name, why);
                return null;
            }
            return new Server(name, url, user, password, rs.getInt(2), rs.getString(1));
        }
    }

    private Server embedded() throws SQLException {
        if (embeddedServer != null) {
            return embeddedServer;
        }
        try {
            Path dir = Path.of(config.dataDir()).resolve("shadow-postgres");
            embedded = EmbeddedDatabase.start(dir);
            String password = randomPassword();
            try (Connection c = embedded.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select 1 from pg_roles where rolname = '" + ROLE + "'")) {
                    if (!rs.next()) {
                        s.execute("create role " + ROLE + " login createdb");
                    }
                }
                s.execute("alter role " + ROLE + " nosuperuser nocreaterole createdb login password '" + password + "'");
                // shadows left behind by a crash
                List<String> stale = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select datname from pg_database where datname like 'ks\\_shadow\\_%'")) {
                    while (rs.next()) {
                        stale.add(rs.getString(1));
                    }
                }
                for (String db : stale) {
                    s.execute("drop database if exists " + db + " with (force)");
                }
            }
            embeddedServer = probe(EMBEDDED, embedded.getJdbcUrl(ROLE, "postgres"), ROLE, password);
            return embeddedServer;
        } catch (java.io.IOException e) {
            throw new SQLException("cannot start the embedded shadow PostgreSQL: " + e.getMessage(), "58000", e);
        }
    }

    private static String randomPassword() {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    @PreDestroy
    synchronized void stop() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (java.io.IOException e) {
                LOG.debugf("embedded shadow PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
            embedded = null;
            embeddedServer = null;
        }
    }

    /** The same JDBC URL with another database. */
    static String withDatabase(String url, String database) {
        int scheme = url.indexOf("//");
        int slash = url.indexOf('/', scheme + 2);
        int query = url.indexOf('?', Math.max(slash, 0));
        String tail = query < 0 ? "" : url.substring(query);
        String head = slash < 0 ? (query < 0 ? url : url.substring(0, query)) : url.substring(0, slash);
        return head + "/" + database + tail;
    }
}
