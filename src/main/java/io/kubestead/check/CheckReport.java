package io.kubestead.check;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a schema check found, as stored and served (GET /api/v1/checks/{id}). */
public record CheckReport(Long id, String database, String subject, String pipeline, String phase, String rollout,
        String hook, Long release, String verdict, String summary, List<Finding> findings, List<Statement> statements,
        Stable stableQueries, Shadow shadow, Target target, List<Map<String, Object>> recipe, Timings timings,
        Instant createdAt, String createdBy, Override override) {

    public static final String SAFE = "safe";
    public static final String NEEDS_EMC = "needs-expand-migrate-contract";
    public static final String BLOCKED = "blocked";

    /** One statement as the linter read it and the shadow ran it. */
    public record Statement(int index, String sql, String kind, String parser, boolean transactional, String outcome,
            List<ShadowRun.Lock> locks, List<String> rewrites, List<String> indexesBuilt, List<String> dropped,
            String error, String effect, String note) {
    }

    /** Where the stable version's queries came from and what became of them. */
    public record Stable(String source, int total, int checked, int broken, List<String> notCheckable, String note) {
    }

    /** @param fromTemplate whether the schema came from a template built for an earlier check of the same schema */
    public record Shadow(boolean ran, String server, String version, Boolean sameMajor, boolean fromTemplate, int tables,
            List<String> copyGaps, String note) {
    }

    public record Target(String version, Long sizeBytes) {
    }

    public record Timings(long lintMillis, long targetMillis, long copyMillis, long applyMillis, long explainMillis,
            long totalMillis) {
    }

    public record Override(String reason, String by, Instant at) {
    }

    /**
     * A blocked check as the errors of a 409: each error finding at {@code path.findings[i]}, then a line at
     * {@code path} saying which check it is and how an admin starts {@code what} anyway.
     */
    public List<io.kubestead.common.FieldError> refusal(String path, String subject, String what) {
        List<io.kubestead.common.FieldError> errors = new java.util.ArrayList<>();
        List<Finding> blocking = findings.stream().filter(f -> f.severity() == Severity.error).toList();
        for (int i = 0; i < blocking.size(); i++) {
            errors.add(new io.kubestead.common.FieldError(path + ".findings[" + i + "]", blocking.get(i).rule() + ": "
                    + blocking.get(i).message()));
        }
        errors.add(new io.kubestead.common.FieldError(path, "check " + id + " of " + subject + " is blocked (GET /api/v1/checks/"
                + id + "); an admin may start " + what + " anyway with {\"override\": {\"reason\": \"...\"}}"));
        return errors;
    }

    CheckReport with(Long newId, Override o) {
        return new CheckReport(newId, database, subject, pipeline, phase, rollout, hook, release, verdict, summary, findings,
                statements, stableQueries, shadow, target, recipe, timings, createdAt, createdBy, o);
    }

    CheckReport withRelease(Long id) {
        return new CheckReport(this.id, database, subject, pipeline, phase, rollout, hook, id, verdict, summary, findings,
                statements, stableQueries, shadow, target, recipe, timings, createdAt, createdBy, override);
    }
}
