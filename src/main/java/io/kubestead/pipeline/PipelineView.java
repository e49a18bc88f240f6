package io.kubestead.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.kubestead.release.ReleaseView;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineView(String name, String rollout, String database, String state, String schema,
        Map<String, Object> change, String confidenceWindow, List<Phase> phases, Progress backfill, String backfillSql,
        String verifySql, Instant createdAt, Instant updatedAt) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Phase(String phase, String version, String image, ReleaseView release, List<String> sql, List<Gate> gates,
            Check check) {
    }

    /** The latest schema check of a phase's SQL (GET /api/v1/checks/{id} has the whole report). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(long id, String verdict, String summary, Instant at, String overriddenBy, String overrideReason) {

        static Check of(io.kubestead.check.CheckReport r) {
            return r == null ? null : new Check(r.id(), r.verdict(), r.summary(), r.createdAt(),
                    r.override() == null ? null : r.override().by(), r.override() == null ? null : r.override().reason());
        }
    }

    public record Gate(String gate, boolean ok, String why) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(String state, long rowsDone, long rowsScanned, Long estimatedRows, Double percent,
            Double rowsPerSecond, Long etaSeconds, int batchSize, long batches, boolean throttled, Long replicationLagMillis,
            Long mismatches, String message, Instant startedAt, Instant finishedAt) {

        static Progress of(Backfill b, Instant now) {
            Double rate = b.activeMillis > 0 ? b.rowsScanned * 1000.0 / b.activeMillis : null;
            Double percent = b.estimatedRows != null && b.estimatedRows > 0
                    ? Math.min(100.0, Math.round(b.rowsScanned * 1000.0 / b.estimatedRows) / 10.0) : null;
            if (Backfill.COMPLETED.equals(b.state)) {
                percent = 100.0;
            }
            Long eta = rate != null && rate > 0 && b.estimatedRows != null && !Backfill.COMPLETED.equals(b.state)
                    ? Duration.ofMillis((long) (Math.max(0, b.estimatedRows - b.rowsScanned) * 1000 / rate)).toSeconds() : null;
            return new Progress(b.state, b.rowsDone, b.rowsScanned, b.estimatedRows, percent,
                    rate == null ? null : Math.round(rate * 10) / 10.0, eta, b.batchSize, b.batches, b.throttled,
                    b.lastLagMillis, b.mismatches, b.message, b.startedAt, b.finishedAt);
        }
    }
}
