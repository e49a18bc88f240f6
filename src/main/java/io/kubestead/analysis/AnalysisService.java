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

    @Override
    public Verdict evaluate(Request request) {
        String name = request.analysis().template();
        Map<String, Object> document = templates.document(TemplateKind.ANALYSIS, name).orElse(null);
        if (document == null) {
            return new Broken("analysis template " + Names.quote(name) + " does not exist");
        }
        AnalysisSpec spec = AnalysisSpecParser.parse(document);
        Instant now = clock.instant();
        String kind = request.background() ? "background" : "step";
        AnalysisRun run = AnalysisRun.<AnalysisRun>find("releaseId = ?1 and attempt = ?2 and kind = ?3 and step = ?4",
                request.releaseId(), request.attempt(), kind, request.step()).firstResult();
        if (run == null) {
            run = new AnalysisRun();
            run.releaseId = request.releaseId();
            run.attempt = request.attempt();
            run.kind = kind;
            run.step = request.step();
            run.template = name;
            run.status = RUNNING;
            run.startedAt = now;
            run.persist();
        }
        if (!RUNNING.equals(run.status)) {
            // a finished background run has had its say; a finished step run says it again
            return request.background() ? new Passed(Map.of()) : verdictOf(run, Map.of());
        }
        List<AnalysisMeasurement> taken = AnalysisMeasurement.list("runId", Sort.by("id"), run.id);
        Instant next = taken.isEmpty() ? run.startedAt.plus(spec.initialDelay())
                : taken.get(taken.size() - 1).at.plus(spec.interval());
        if (now.isBefore(next)) {
            return new Running(next);
        }
        AnalysisMeasurement m = measure(run, spec, request, now);
        taken = new java.util.ArrayList<>(taken);
        taken.add(m);
        return tally(run, spec, taken, request.background(), now);
    }

    private AnalysisMeasurement measure(AnalysisRun run, AnalysisSpec spec, Request request, Instant now) {
        AnalysisMeasurement m = new AnalysisMeasurement();
        m.runId = run.id;
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
        m.persist();
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

    private Verdict tally(AnalysisRun run, AnalysisSpec spec, List<AnalysisMeasurement> taken, boolean background,
            Instant now) {
        long failed = taken.stream().filter(m -> FAILED.equals(m.phase)).count();
        long inconclusive = taken.stream().filter(m -> INCONCLUSIVE.equals(m.phase)).count();
        long measured = taken.stream().filter(m -> !ERROR.equals(m.phase)).count();
        int consecutiveErrors = 0;
        for (int i = taken.size() - 1; i >= 0 && ERROR.equals(taken.get(i).phase); i--) {
            consecutiveErrors++;
        }
        AnalysisMeasurement last = taken.get(taken.size() - 1);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("template", run.template);
        details.put("analysisRun", run.id);
        details.put("measurements", taken.size());
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
        return new RunView(r.id, r.attempt, r.kind, r.step, r.template, r.status, r.message, r.startedAt,
                r.finishedAt, AnalysisMeasurement.<AnalysisMeasurement>list("runId", Sort.by("id"), r.id).stream()
                        .map(m -> new MeasurementView(m.phase, m.value, m.message, m.query, m.at)).toList());
    }

    public List<RunView> runs(long releaseId) {
        return AnalysisRun.<AnalysisRun>list("releaseId", Sort.by("id"), releaseId).stream().map(AnalysisService::view)
                .toList();
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record RunView(long id, int attempt, String kind, int step, String template, String status, String message,
            Instant startedAt, Instant finishedAt, List<MeasurementView> measurements) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record MeasurementView(String phase, Object value, String message, String query, Instant at) {
    }
}
