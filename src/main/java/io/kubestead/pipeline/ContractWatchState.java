package io.kubestead.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** What was last seen of a pipeline's old version while its contract phase waits: its queries and its pods. */
@Entity
@Table(name = "contract_watch")
public class ContractWatchState extends PanacheEntityBase {

    @Id
    @Column(name = "pipeline_name")
    public String pipelineName;

    @Column(name = "first_sampled_at")
    public Instant firstSampledAt;

    @Column(name = "sampled_at")
    public Instant sampledAt;

    /** queryid → {query, calls, reads}: reads is whether the contract would break the query. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Map<String, Object>> queries;

    @Column(name = "last_read_at")
    public Instant lastReadAt;

    @Column(name = "last_read_query")
    public String lastReadQuery;

    @Column(name = "pods_checked_at")
    public Instant podsCheckedAt;

    /** "pod/name (image)" of what still serves the old version. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "old_pods", nullable = false, columnDefinition = "jsonb")
    public List<String> oldPods;

    /** Why a gate cannot tell (pg_stat_statements missing, the cluster unreachable), or null. */
    public String note;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
