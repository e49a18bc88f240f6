package io.kubestead.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A rollout as the API shows it: its current revision's canonical spec document. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RolloutView(String name, int revision, Instant createdAt, Instant updatedAt, Map<String, Object> spec,
        List<String> warnings) {

    public record Summary(String name, int revision, Instant updatedAt) {
    }

    public record Revision(String rollout, int revision, Instant createdAt, Map<String, Object> spec) {
    }

    public record RevisionSummary(int revision, Instant createdAt) {
    }
}
