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

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An append-only history row: what changed, from and to which state, who did it, why and when. */
@Entity
@Immutable
@Table(name = "release_event")
public class ReleaseEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "release_id", nullable = false)
    public long releaseId;

    @Column(nullable = false)
    public String type;

    @Enumerated(EnumType.STRING)
    @Column(name = "from_state")
    public ReleaseState fromState;

    @Enumerated(EnumType.STRING)
    @Column(name = "to_state")
    public ReleaseState toState;

    @Column(nullable = false)
    public String actor;

    public String reason;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public Map<String, Object> details;

    @Column(nullable = false)
    public Instant at;
}
