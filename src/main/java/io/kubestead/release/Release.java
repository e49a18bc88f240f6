package io.kubestead.release;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One execution of a rollout (at a pinned revision) for a new version and image. */
@Entity
@Table(name = "release")
public class Release extends PanacheEntityBase {

    /** Due time of a requested abort: before everything else in the queue. */
    public static final java.time.Instant DUE_FIRST = java.time.Instant.EPOCH;

    public static final String STAGE_STEP = "step";
    public static final String STAGE_PROMOTE = "promote";
    public static final String STAGE_STABLE_ROLLOUT = "stable-rollout";
    public static final String STAGE_CLEANUP = "cleanup";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "rollout_name", nullable = false)
    public String rolloutName;

    @Column(nullable = false)
    public int revision;

    @Column(nullable = false)
    public String version;

    @Column(nullable = false)
    public String image;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ReleaseState state;

    @Column(name = "current_step", nullable = false)
    public int currentStep;

    @Column(name = "step_started_at")
    public Instant stepStartedAt;

    @Column(name = "due_at")
    public Instant dueAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "hook_index", nullable = false)
    public int hookIndex;

    @Column(nullable = false)
    public int attempt = 1;

    /** Inside Progressing: step, promote, stable-rollout or cleanup. */
    @Column(nullable = false)
    public String stage = STAGE_STEP;

    /** Why a Paused release waits: step, manual or analysis. */
    @Column(name = "pause_kind")
    public String pauseKind;

    @Column(nullable = false)
    public int weight;

    @Column(name = "requested_action")
    public String requestedAction;

    @Column(name = "requested_by")
    public String requestedBy;

    @Column(name = "requested_reason")
    public String requestedReason;

    @Column(name = "requested_at")
    public Instant requestedAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "step_data", columnDefinition = "jsonb")
    public Map<String, Object> stepData;

    @Column(name = "error_count", nullable = false)
    public int errorCount;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "pipeline_name")
    public String pipelineName;

    @Column(name = "pipeline_phase")
    public String pipelinePhase;

    @Column(name = "schema_done", nullable = false)
    public boolean schemaDone;

    /** The user who started the release (the requester of its approvals), or null. */
    @Column(name = "started_by")
    public String startedBy;

    /** The worker that holds the row now, or null (see {@link io.kubestead.common.Lease}). */
    @jakarta.persistence.Embedded
    public io.kubestead.common.Lease lease;

    /** The fencing version: raised by every change, the engine's claims included. */
    @Version
    @Column(name = "lock_version", nullable = false)
    public long lockVersion;

    /** Copies what an engine move may change from a working copy (the move ran on it with no transaction open). */
    public void takeProgressOf(Release w) {
        state = w.state;
        currentStep = w.currentStep;
        stepStartedAt = w.stepStartedAt;
        dueAt = w.dueAt;
        updatedAt = w.updatedAt;
        finishedAt = w.finishedAt;
        hookIndex = w.hookIndex;
        attempt = w.attempt;
        stage = w.stage;
        pauseKind = w.pauseKind;
        weight = w.weight;
        requestedAction = w.requestedAction;
        requestedBy = w.requestedBy;
        requestedReason = w.requestedReason;
        requestedAt = w.requestedAt;
        stepData = w.stepData == null ? null : new java.util.HashMap<>(w.stepData);
        errorCount = w.errorCount;
        lastError = w.lastError;
        schemaDone = w.schemaDone;
    }

    /** A detached copy to work on outside a transaction. */
    public Release workingCopy() {
        Release w = new Release();
        w.id = id;
        w.rolloutName = rolloutName;
        w.revision = revision;
        w.version = version;
        w.image = image;
        w.createdAt = createdAt;
        w.pipelineName = pipelineName;
        w.pipelinePhase = pipelinePhase;
        w.startedBy = startedBy;
        w.lockVersion = lockVersion;
        w.takeProgressOf(this);
        return w;
    }
}
