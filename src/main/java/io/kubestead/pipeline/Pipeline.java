package io.kubestead.pipeline;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One schema change carried out as three releases of a rollout: expand, migrate, contract. */
@Entity
@Table(name = "pipeline")
public class Pipeline extends PanacheEntityBase {

    @Id
    public String name;

    @Column(name = "rollout_name", nullable = false)
    public String rolloutName;

    @Column(name = "database_name", nullable = false)
    public String databaseName;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> change;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> plan;

    /** {expand: {version, image}, migrate: {...}, contract: {...}} */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> phases;

    @Column(name = "confidence_window", nullable = false)
    public String confidenceWindow;

    @Column(nullable = false)
    public String state;

    @Column(name = "schema_state", nullable = false)
    public String schemaState;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "created_by")
    public String createdBy;

    /** {phase: approval policy document}: the phases that need an approval before they start, or null. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public Map<String, Object> approvals;

    @Version
    @Column(name = "lock_version", nullable = false)
    public long lockVersion;
}
