package io.kubestead.check;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A stored schema check: its verdict, its report, and an admin's override if there was one. */
@Entity
@Table(name = "schema_check")
public class SchemaCheck extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "database_name", nullable = false)
    public String databaseName;

    @Column(nullable = false)
    public String subject;

    @Column(name = "pipeline_name")
    public String pipelineName;

    public String phase;

    @Column(name = "rollout_name")
    public String rolloutName;

    @Column(name = "hook_name")
    public String hookName;

    @Column(name = "release_id")
    public Long releaseId;

    @Column(name = "sql_text", nullable = false)
    public String sql;

    @Column(nullable = false)
    public String verdict;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> report;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "override_reason")
    public String overrideReason;

    @Column(name = "override_by")
    public String overrideBy;

    @Column(name = "override_at")
    public Instant overrideAt;
}
