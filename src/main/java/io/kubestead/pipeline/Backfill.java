package io.kubestead.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A pipeline's backfill: its checkpoint (the last key done) is written after every batch. */
@Entity
@Table(name = "backfill")
public class Backfill extends PanacheEntityBase {

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String PAUSED = "Paused";
    public static final String COMPLETED = "Completed";
    public static final String CANCELLED = "Cancelled";
    public static final String FAILED = "Failed";

    @Id
    @Column(name = "pipeline_name")
    public String pipelineName;

    @Column(nullable = false)
    public String state;

    @Column(name = "table_name", nullable = false)
    public String tableName;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "key_columns", nullable = false, columnDefinition = "jsonb")
    public List<Map<String, String>> keyColumns;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public List<String> cursor;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "upper_bound", columnDefinition = "jsonb")
    public List<String> upperBound;

    @Column(name = "rows_done", nullable = false)
    public long rowsDone;

    @Column(name = "rows_scanned", nullable = false)
    public long rowsScanned;

    @Column(nullable = false)
    public long batches;

    @Column(name = "batch_size", nullable = false)
    public int batchSize;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> settings;

    public Long mismatches;

    @Column(name = "verified_at")
    public Instant verifiedAt;

    @Column(name = "estimated_rows")
    public Long estimatedRows;

    @Column(name = "active_millis", nullable = false)
    public long activeMillis;

    @Column(nullable = false)
    public boolean throttled;

    @Column(name = "last_lag_millis")
    public Long lastLagMillis;

    public String message;

    @Column(name = "next_at")
    public Instant nextAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The worker that holds the row now, or null (see {@link io.kubestead.common.Lease}). */
    @jakarta.persistence.Embedded
    public io.kubestead.common.Lease lease;

    @Version
    @Column(name = "lock_version", nullable = false)
    public long lockVersion;
}
