package io.kubestead.approval;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.kubestead.rollout.spec.ApprovalPolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A request for people's approval: of a release's approval step, or of the start of a pipeline phase. */
@Entity
@Table(name = "approval")
public class Approval extends PanacheEntityBase {

    public static final String PENDING = "Pending";
    public static final String APPROVED = "Approved";
    public static final String REJECTED = "Rejected";
    public static final String EXPIRED = "Expired";
    public static final String CANCELLED = "Cancelled";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "release_id")
    public Long releaseId;

    public Integer attempt;

    public Integer step;

    @Column(name = "pipeline_name")
    public String pipelineName;

    public String phase;

    @Column(name = "rollout_name", nullable = false)
    public String rolloutName;

    @Column(nullable = false)
    public String namespace;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> policy;

    public String requester;

    @Column(nullable = false)
    public String state;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    public String outcome;

    @Column(name = "consequence_done", nullable = false)
    public boolean consequenceDone;

    @Column(name = "slack_channel")
    public String slackChannel;

    @Column(name = "slack_ts")
    public String slackTs;

    @Version
    @Column(name = "lock_version", nullable = false)
    public long lockVersion;

    public ApprovalPolicy policy() {
        return ApprovalPolicy.of(policy);
    }

    /** "release 12, step 3" or "pipeline add-email, phase migrate". */
    public String subject() {
        return releaseId != null ? "release " + releaseId + ", step " + step : "pipeline " + pipelineName + ", phase " + phase;
    }
}
