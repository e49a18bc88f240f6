package io.kubestead.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Schema checks: where shadows run and what counts as a lock too long. */
@ConfigMapping(prefix = "kubestead.checks")
public interface CheckSettings {

    /**
     * PostgreSQL servers to build shadows on, by name. Kubestead connects as a role with CREATEDB and without
     * SUPERUSER (a superuser is refused: the SQL under check runs there). The one whose major version equals the
     * target's is used; when none does, the embedded PostgreSQL 17.
     */
    @WithName("shadows")
    Map<String, Shadow> shadows();

    /** Whether the embedded PostgreSQL 17 may be started for shadows (in {@code <data-dir>/shadow-postgres}). */
    @WithDefault("true")
    boolean embeddedShadow();

    /** How fast the target reads or rewrites a table, for estimates of how long a lock is held: 200MB/s. */
    @WithDefault("200MB/s")
    String scanRate();

    /** A statement that holds a lock blocking writes for longer than this (by the estimate) blocks the migration. */
    @WithDefault("2s")
    Duration maxBlocking();

    /** The longest any one statement may run in a shadow. */
    @WithDefault("30s")
    Duration shadowStatementTimeout();

    /** At most this many stable queries are checked (the most called first). */
    @WithDefault("2000")
    int maxStableQueries();

    /**
     * Roles whose queries are the stable version's (pg_stat_statements.userid); unset: every role but the one
     * Kubestead connects as.
     */
    Optional<List<String>> stableRoles();

    /** How often the queries a contract phase would break are sampled while it waits. */
    @WithDefault("1m")
    Duration watchInterval();

    /** How long no query may have read what a contract drops before the contract may start. */
    @WithDefault("10m")
    Duration quietPeriod();

    interface Shadow {
        String jdbcUrl();

        Optional<String> username();

        Optional<String> password();
    }
}
