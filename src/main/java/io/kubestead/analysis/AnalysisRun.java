package io.kubestead.analysis;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One analysis of one release attempt: a step's, or a background template's. */
@Entity
@Table(name = "analysis_run")
public class AnalysisRun extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "release_id", nullable = false)
    public long releaseId;

    @Column(nullable = false)
    public int attempt;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public int step;

    @Column(nullable = false)
    public String template;

    @Column(nullable = false)
    public String status;

    public String message;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
