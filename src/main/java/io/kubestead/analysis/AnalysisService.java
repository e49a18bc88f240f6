package io.kubestead.analysis;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.common.Names;
import io.kubestead.engine.AnalysisGate;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;
import io.quarkus.panache.common.Sort;

/**
 * Runs analyses: each time the engine asks, takes a measurement if one is due, stores it as evidence, and says
 * whether the canary passed, failed, needs a person, or is still being measured. Runs and measurements are
 * written in the engine's transaction, together with what the release does about them.
 */
@ApplicationScoped
public class AnalysisService implements AnalysisGate {

    public static final String RUNNING = "Running";
    public static final String SUCCESSFUL = "Successful";
    public static final String FAILED = "Failed";
    public static final String INCONCLUSIVE = "Inconclusive";
    public static final String ERROR = "Error";

    @Inject
    protected TemplateService templates;

    @Inject
    MetricProviders providers;

    @Inject
    Clock clock;

    @Inject
    io.kubestead.common.KubesteadConfig config;

    @Inject
    jakarta.persistence.EntityManager em;

    @Override
    public Verdict evaluate(Request request, java.util.function.Consumer<Runnable> atCommit) {
        String name = request.analysis().template();
        Map<String, Object> document = templates.document(TemplateKind.ANALYSIS, name).orElse(null);
        if (document == null) {
            return new Broken("analysis template " + Names.quote(name) + " does not exist");
        }
        AnalysisSpec spec = AnalysisSpecParser.parse(document);
        Instant now = clock.instant();
        String kind = request.background() ? "background" : "step";
        AnalysisRun stored = AnalysisRun.<AnalysisRun>find("releaseId = ?1 and attempt = ?2 and kind = ?3 and step = ?4",
                request.releaseId(), request.attempt(), kind, request.step()).firstResult();
        AnalysisRun run = stored == null ? newRun(request.releaseId(), request.attempt(), kind, request.step(), name, now)
                : copy(stored);
        if (!RUNNING.equals(run.status)) {
            // a finished background run has had its say; a finished step run says it again
            return request.background() ? new Passed(Map.of()) : verdictOf(run, Map.of());
        }
        Instant next = run.lastAt == null ? run.startedAt.plus(spec.initialDelay()) : run.lastAt.plus(spec.interval());
        if (now.isBefore(next)) {
            if (stored == null) {
                atCommit.accept(() -> keep(run, null));
            }
            return new Running(next);
        }
        AnalysisMeasurement m = measure(run, spec, request, now);
        run.count(m.phase, now);
        Verdict verdict = tally(run, spec, m, request.background(), now);
        atCommit.accept(() -> keep(run, m));
        return verdict;
    }

    private static AnalysisRun newRun(long releaseId, int attempt, String kind, int step, String template, Instant startedAt) {
        AnalysisRun run = new AnalysisRun();
        run.releaseId = releaseId;
        run.attempt = attempt;
        run.kind = kind;
        run.step = step;
        run.template = template;
        run.status = RUNNING;
        run.startedAt = startedAt;
        return run;
    }

    /** A new run of the same release, attempt, kind, step and template, started at the same time. */
    private static AnalysisRun sameRun(AnalysisRun r) {
        return newRun(r.releaseId, r.attempt, r.kind, r.step, r.template, r.startedAt);
    }

    private static AnalysisRun copy(AnalysisRun stored) {
        AnalysisRun w = sameRun(stored);
        w.id = stored.id;
        w.takeProgressOf(stored);
        return w;
    }

    /** In the move's transaction: the run's new counts and status, and the measurement (older ones summarised). */
    private void keep(AnalysisRun run, AnalysisMeasurement m) {
        AnalysisRun managed = run.id == null ? null : AnalysisRun.findById(run.id);
        if (managed == null) {
            managed = sameRun(run);
            managed.persist();
        }
        managed.takeProgressOf(run);
        if (m == null) {
            return;
        }
        m.runId = managed.id;
        m.persist();
        int keep = config.analysis().keepMeasurements();
        // folded in batches, so that a long analysis pays for it once every 50 measurements
        if (managed.measurements > keep && managed.measurements % 50 == 0) {
            em.flush();
            fold(managed.id, keep);
        }
    }

    /** Folds a run's measurements older than its newest {@code keep} into one summary row per hour. */
    void fold(long runId, int keep) {
        em.createNativeQuery("""
                with old as (
                    delete from analysis_measurement where run_id = ?1 and id <= (
                        select id from analysis_measurement where run_id = ?1 order by id desc offset ?2 limit 1)
                    returning at, phase, case jsonb_typeof(value)
                        when 'number' then (value #>> '{}')::float8
                        when 'array' then case when jsonb_typeof(value -> 0) = 'number' then (value ->> 0)::float8 end
                        end as v)
                insert into analysis_summary as s (run_id, hour, measurements, failed, inconclusive, errors, min_value,
                                                   max_value, sum_value, numeric)
                select ?1, date_trunc('hour', at), count(*), count(*) filter (where phase = 'Failed'),
                       count(*) filter (where phase = 'Inconclusive'), count(*) filter (where phase = 'Error'),
                       min(v), max(v), sum(v), count(v)
                from old group by 2
                on conflict (run_id, hour) do update set
                    measurements = s.measurements + excluded.measurements, failed = s.failed + excluded.failed,
                    inconclusive = s.inconclusive + excluded.inconclusive, errors = s.errors + excluded.errors,
                    min_value = least(s.min_value, excluded.min_value), max_value = greatest(s.max_value, excluded.max_value),
                    sum_value = coalesce(s.sum_value, 0) + coalesce(excluded.sum_value, 0), numeric = s.numeric + excluded.numeric
                """).setParameter(1, runId).setParameter(2, keep).executeUpdate();
    }

    private AnalysisMeasurement measure(AnalysisRun run, AnalysisSpec spec, Request request, Instant now) {
        AnalysisMeasurement m = new AnalysisMeasurement();
        m.at = now;
        m.query = spec.provider() instanceof AnalysisSpec.Prometheus p ? p.query() : ((AnalysisSpec.Web) spec.provider()).url();
        try {
            MetricProviders.Reading reading = providers.measure(spec.provider(), values(spec, request));
            m.query = reading.query();
            m.value = jsonSafe(reading.value());
            m.phase = judge(spec, reading.value());
            if (!SUCCESSFUL.equals(m.phase)) {
                m.message = describe(spec, m.phase, reading.value());
            }
        } catch (ExprException e) {
            m.phase = ERROR;
            m.message = e.getMessage();
            if (e instanceof MetricProviders.Failed f && f.sent() != null) {
                m.query = f.sent();
            }
        }
        return m;
    }

    /** Failure wins; then success; with both conditions and neither true the measurement is inconclusive. */
    static String judge(AnalysisSpec spec, Object value) {
        if (spec.failureCondition() != null && spec.failureCondition().test(value)) {
            return FAILED;
        }
        if (spec.successCondition() != null) {
            if (spec.successCondition().test(value)) {
                return SUCCESSFUL;
            }
            return spec.failureCondition() != null ? INCONCLUSIVE : FAILED;
        }
        return SUCCESSFUL;
    }

    private static String describe(AnalysisSpec spec, String phase, Object value) {
        String v = Expr.show(value instanceof List<?> l && l.size() == 1 ? l.get(0) : value);
        return switch (phase) {
            case FAILED -> spec.failureCondition() != null && spec.failureCondition().test(value)
                    ? "value " + v + " met failureCondition '" + spec.failureCondition().text() + "'"
                    : "value " + v + " did not meet successCondition '" + spec.successCondition().text() + "'";
            default -> "value " + v + " met neither '" + spec.successCondition().text() + "' nor '"
                    + spec.failureCondition().text() + "'";
        };
    }

    private Verdict tally(AnalysisRun run, AnalysisSpec spec, AnalysisMeasurement last, boolean background,
            Instant now) {
        long failed = run.failed;
        long inconclusive = run.inconclusive;
        long measured = run.measurements - run.errors;
        int consecutiveErrors = run.errorsInRow;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("template", run.template);
        if (run.id != null) {
            details.put("analysisRun", run.id);
        }
        details.put("measurements", run.measurements);
        details.put("measuredAt", last.at.toString());
        if (last.value != null) {
            details.put("value", last.value);
        }
        if (failed > spec.failureLimit()) {
            finish(run, FAILED, "analysis template " + Names.quote(run.template) + ": " + last.message
                    + " (" + failed + " failed measurement" + (failed == 1 ? "" : "s") + ", failureLimit " + spec.failureLimit() + ")", now);
            return verdictOf(run, details);
        }
        if (consecutiveErrors > spec.consecutiveErrorLimit()) {
            finish(run, ERROR, "analysis template " + Names.quote(run.template) + ": " + consecutiveErrors
                    + " measurements in a row could not be taken (consecutiveErrorLimit " + spec.consecutiveErrorLimit()
                    + "); the last: " + last.message, now);
            return verdictOf(run, details);
        }
        if (inconclusive > spec.inconclusiveLimit()) {
            finish(run, INCONCLUSIVE, "analysis template " + Names.quote(run.template) + ": " + last.message
                    + " (inconclusiveLimit " + spec.inconclusiveLimit() + "): a person decides", now);
            return verdictOf(run, details);
        }
        Integer count = spec.count() != null ? spec.count() : background ? null : Integer.valueOf(1);
        if (count != null && measured >= count) {
            finish(run, SUCCESSFUL, measured + " measurement" + (measured == 1 ? "" : "s") + " passed", now);
            return verdictOf(run, details);
        }
        return new Running(now.plus(spec.interval()));
    }

    private static void finish(AnalysisRun run, String status, String message, Instant now) {
        run.status = status;
        run.message = message;
        run.finishedAt = now;
    }

    private static Verdict verdictOf(AnalysisRun run, Map<String, Object> details) {
        return switch (run.status) {
            case SUCCESSFUL -> new Passed(details);
            case INCONCLUSIVE -> new Inconclusive(run.message, details);
            default -> new Failed(run.message, details);
        };
    }

    private static Map<String, String> values(AnalysisSpec spec, Request request) {
        Map<String, String> values = new LinkedHashMap<>();
        spec.args().forEach((k, v) -> values.put("args." + k, v));
        request.analysis().args().forEach((k, v) -> values.put("args." + k, v));
        values.put("rollout", request.rollout());
        values.put("release", String.valueOf(request.releaseId()));
        values.put("version", request.version());
        values.put("namespace", request.target().namespace());
        values.put("stable", request.target().deployment());
        values.put("canary", request.target().canaryDeployment());
        return values;
    }

    /** jsonb has no NaN or infinities: keep them as text. */
    private static Object jsonSafe(Object v) {
        if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.toString();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(AnalysisService::jsonSafe).toList();
        }
        return v;
    }

    /** Runs of a release with their measurements, oldest first. */
    /** A page of a release's analysis runs (oldest first), each with its measurements. */
    public io.kubestead.common.Page<RunView> runs(long releaseId, io.kubestead.common.PageRequest page) {
        var query = AnalysisRun.<AnalysisRun>find("releaseId", Sort.by("id"), releaseId);
        long total = query.count();
        List<RunView> items = query.page(page.page(), page.size()).list().stream().map(AnalysisService::view).toList();
        return new io.kubestead.common.Page<>(items, page.page(), page.size(), total);
    }

    private static RunView view(AnalysisRun r) {
        List<HourView> hours = null;
        if (r.measurements > 0) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = AnalysisRun.getEntityManager().createNativeQuery("select hour, measurements, failed, "
                    + "inconclusive, errors, min_value, max_value, case when numeric > 0 then sum_value / numeric end "
                    + "from analysis_summary where run_id = ?1 order by hour").setParameter(1, r.id).getResultList();
            hours = rows.isEmpty() ? null : rows.stream().map(HourView::of).toList();
        }
        return new RunView(r.id, r.attempt, r.kind, r.step, r.template, r.status, r.message, r.startedAt,
                r.finishedAt, r.measurements, hours,
                AnalysisMeasurement.<AnalysisMeasurement>list("runId", Sort.by("id"), r.id).stream()
                        .map(m -> new MeasurementView(m.phase, m.value, m.message, m.query, m.at)).toList());
    }

    public List<RunView> runs(long releaseId) {
        return AnalysisRun.<AnalysisRun>list("releaseId", Sort.by("id"), releaseId).stream().map(AnalysisService::view)
                .toList();
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    /**
     * @param taken every measurement taken; the newest ones are in {@code measurements}, older ones only in
     *        {@code hours}
     */
    public record RunView(long id, int attempt, String kind, int step, String template, String status, String message,
            Instant startedAt, Instant finishedAt, int taken, List<HourView> hours, List<MeasurementView> measurements) {
    }

    /** The measurements of one hour that are no longer kept one by one. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record HourView(Instant hour, int measurements, int failed, int inconclusive, int errors, Double min,
            Double max, Double mean) {
        static HourView of(Object[] row) {
            return new HourView(io.kubestead.common.Timestamps.instant(row[0]), ((Number) row[1]).intValue(),
                    ((Number) row[2]).intValue(), ((Number) row[3]).intValue(), ((Number) row[4]).intValue(),
                    row[5] == null ? null : ((Number) row[5]).doubleValue(), row[6] == null ? null : ((Number) row[6]).doubleValue(),
                    row[7] == null ? null : ((Number) row[7]).doubleValue());
        }
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record MeasurementView(String phase, Object value, String message, String query, Instant at) {
    }
}
