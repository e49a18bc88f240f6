package io.kubestead.rollout;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One execution of a rollout (at a pinned revision) for a new version and image. */
@Entity
@Table(name = "release")
public class Release extends PanacheEntityBase {

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

    @Version
    @Column(name = "lock_version", nullable = false)
    public long lockVersion;
}
