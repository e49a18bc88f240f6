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

    /** A shadow database with the target's schema; {@link #close()} drops it. */
    public static class Shadow implements AutoCloseable {
        private final Server server;
        private final String database;
        private final List<String> gaps;
        private final long copyMillis;
        private final boolean reused;
        private final Runnable release;
        private volatile boolean discard;

        /** @param release null: a database of its own, dropped at close; else: a leased template, given back at close */
        Shadow(Server server, String database, List<String> gaps, long copyMillis, boolean reused, Runnable release) {
            this.server = server;
            this.database = database;
            this.gaps = gaps;
            this.copyMillis = copyMillis;
            this.reused = reused;
            this.release = release;
        }

        /** Throws the shadow away at close even when it is a template (a run that ended its transaction changed it). */
        public void discard() {
            discard = true;
        }

        /** What the copy of the schema left out. */
        public List<String> gaps() {
            return gaps;
        }

        /** How long making this shadow took (its database, and the schema when no template had it). */
        public long copyMillis() {
            return copyMillis;
        }

        /** Whether it was made from a template this process had built for the same schema. */
        public boolean reused() {
            return reused;
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
            if (release == null || discard) {
                dropQuietly(server, database);
            }
            if (release != null) {
                release.run();
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

    /**
     * A database holding one schema, copied once. A check runs in it directly, in one transaction rolled back at the
     * end; while one check has it, another gets a copy of it.
     */
    private record Template(Server server, String database, List<String> gaps, java.util.concurrent.Semaphore lease) {

        Template(Server server, String database, List<String> gaps) {
            this(server, database, gaps, new java.util.concurrent.Semaphore(1));
        }
    }

    static final int TEMPLATES = 8;

    /** server name + schema fingerprint → template, least recently used first. */
    private final Map<String, java.util.concurrent.CompletableFuture<Template>> templates = java.util.Collections
            .synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true));

    /**
     * Creates a shadow database with the snapshot's schema on the server whose major version is the target's, or on
     * the embedded one; null when there is no server to use. The schema is copied once into a template database per
     * distinct schema (at most {@value #TEMPLATES} kept), and each shadow is a copy of that template: a file copy
     * instead of a thousand DDL statements.
     */
    public Shadow create(int targetMajor, SchemaCopy.Snapshot snapshot) throws SQLException {
        Server server = pick(targetMajor);
        if (server == null) {
            return null;
        }
        long t0 = System.nanoTime();
        String key = server.name() + "/" + fingerprint(snapshot);
        java.util.concurrent.CompletableFuture<Template> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Template> existing = templates.putIfAbsent(key, mine);
        boolean reused = existing != null;
        Template template;
        try {
            if (existing == null) {
                try {
                    mine.complete(buildTemplate(server, snapshot));
                } catch (SQLException | RuntimeException e) {
                    templates.remove(key);
                    mine.completeExceptionally(e);
                    throw e;
                }
                evict();
            }
            template = (existing != null ? existing : mine).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        }
        if (template.lease().tryAcquire()) {
            Template leased = template;
            return new Shadow(server, template.database(), template.gaps(), (System.nanoTime() - t0) / 1_000_000, reused, () -> {
                leased.lease().release();
            }) {
                @Override
                public void discard() {
                    // the template no longer holds the schema: forget it and drop it
                    templates.remove(key, templates.get(key));
                    super.discard();
                }
            };
        }
        String name = "ks_shadow_" + random();
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                Statement s = c.createStatement()) {
            // a file copy of the template's directory: far faster than WAL-logging every block of a thousand relations
            s.execute("create database " + name + " template " + template.database()
                    + (server.major() >= 15 ? " strategy file_copy" : ""));
        } catch (SQLException e) {
            // the template is busy or gone (another replica, an eviction): copy the schema directly
            LOG.debugf("Shadow from template %s failed (SQLSTATE %s); copying directly", template.database(), e.getSQLState());
            Template direct = buildTemplate(server, snapshot, name);
            return new Shadow(server, name, direct.gaps(), (System.nanoTime() - t0) / 1_000_000, false, null);
        }
        return new Shadow(server, name, template.gaps(), (System.nanoTime() - t0) / 1_000_000, reused, null);
    }

    private Template buildTemplate(Server server, SchemaCopy.Snapshot snapshot) throws SQLException {
        return buildTemplate(server, snapshot, "ks_tpl_" + random());
    }

    /** A new database with the snapshot's schema copied in. */
    private Template buildTemplate(Server server, SchemaCopy.Snapshot snapshot, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                Statement s = c.createStatement()) {
            s.execute("create database " + name + " template template0");
        }
        try (Connection c = DriverManager.getConnection(withDatabase(server.url(), name), server.user(), server.password())) {
            return new Template(server, name, ShadowRun.copy(c, snapshot));
        } catch (SQLException | RuntimeException e) {
            dropQuietly(server, name);
            throw e;
        }
    }

    private void evict() {
        List<Template> dropped = new ArrayList<>();
        synchronized (templates) {
            var it = templates.entrySet().iterator();
            while (templates.size() > TEMPLATES && it.hasNext()) {
                var e = it.next();
                // never one a check is running in: its lease is taken for good
                if (e.getValue().isDone() && !e.getValue().isCompletedExceptionally() && e.getValue().join().lease().tryAcquire()) {
                    dropped.add(e.getValue().join());
                    it.remove();
                }
            }
        }
        for (Template t : dropped) {
            dropQuietly(t.server(), t.database());
        }
    }

    static void dropQuietly(Server server, String database) {
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            LOG.warnf("Could not drop shadow database %s on %s (SQLSTATE %s)", database, server.name(), e.getSQLState());
        }
    }

    /** The schema's identity: its DDL and extensions, hashed. */
    static String fingerprint(SchemaCopy.Snapshot snapshot) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (String part : snapshot.extensions()) {
                md.update(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            md.update((byte) 1);
            for (String part : snapshot.ddl()) {
                md.update(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
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
            // shadows are thrown away after each check: nothing on this server needs to survive a crash
            embedded = EmbeddedDatabase.start(dir, Map.of("fsync", "off", "synchronous_commit", "off",
                    "full_page_writes", "off"));
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
                try (ResultSet rs = s.executeQuery("select datname from pg_database where datname like 'ks\\_shadow\\_%' "
                        + "or datname like 'ks\\_tpl\\_%'")) {
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
        // templates on configured servers are this process's own: dropped with it
        List<Template> own = new ArrayList<>();
        synchronized (templates) {
            templates.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).forEach(f -> own.add(f.join()));
            templates.clear();
        }
        own.stream().filter(t -> !EMBEDDED.equals(t.server().name())).forEach(t -> dropQuietly(t.server(), t.database()));
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
