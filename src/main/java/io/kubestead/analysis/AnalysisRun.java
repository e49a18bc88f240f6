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

    /** Running counts of the measurements taken (kept or folded into hourly summaries). */
    @Column(nullable = false)
    public int measurements;

    @Column(nullable = false)
    public int failed;

    @Column(nullable = false)
    public int inconclusive;

    @Column(nullable = false)
    public int errors;

    @Column(name = "errors_in_row", nullable = false)
    public int errorsInRow;

    @Column(name = "last_at")
    public Instant lastAt;

    /** Counts one more measurement of this phase. */
    void count(String phase, Instant at) {
        measurements++;
        lastAt = at;
        switch (phase) {
            case AnalysisService.FAILED -> failed++;
            case AnalysisService.INCONCLUSIVE -> inconclusive++;
            case AnalysisService.ERROR -> errors++;
            default -> {
                // successful: counted in measurements only
            }
        }
        errorsInRow = AnalysisService.ERROR.equals(phase) ? errorsInRow + 1 : 0;
    }

    /** Copies what an evaluation changed from a working copy. */
    void takeProgressOf(AnalysisRun w) {
        status = w.status;
        message = w.message;
        finishedAt = w.finishedAt;
        measurements = w.measurements;
        failed = w.failed;
        inconclusive = w.inconclusive;
        errors = w.errors;
        errorsInRow = w.errorsInRow;
        lastAt = w.lastAt;
    }
}
