package io.kubestead.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.analysis.AnalysisService;
import io.kubestead.common.Durations;
import io.kubestead.release.Action;
import io.kubestead.release.ReleaseActions;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.release.ReleaseView;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.Step;
import io.quarkus.panache.common.Sort;

/** What the console shows: rows of the overview, and a release in full. */
@ApplicationScoped
public class ConsoleService {

    @Inject
    Clock clock;

    @Inject
    ReleaseService releases;

    @Inject
    RolloutService rollouts;

    @Inject
    AnalysisService analysis;

    @Inject
    ConsoleApprovals approvals;

    public record Row(long id, String rollout, String version, String phase, String state, int weight, String since,
            String group) {
        public int stableWeight() {
            return 100 - weight;
        }
    }

    /** A pipeline on the overview: the phase it is in, and how many gates of its next phase are unmet. */
    public record PipelineRow(String name, String rollout, String state, String phase, String phaseState, int blocked,
            String backfill, String group) {
    }

    @Inject
    io.kubestead.pipeline.PipelineService pipelineService;

    /** Active pipelines, the ones that need a person first (a paused or failed phase or backfill). */
    @jakarta.transaction.Transactional
    public List<PipelineRow> pipelines() {
        List<PipelineRow> rows = new ArrayList<>();
        for (io.kubestead.pipeline.PipelineService.Summary p : pipelineService.summaries(200)) {
            String phaseState = p.phaseState() == null ? "not started" : p.phaseState().name();
            // a finished phase whose successor may not start is blocked on its gates: that needs a look too
            boolean blocked = p.phaseState() == ReleaseState.Promoted && p.next() != null && p.blockedGates() > 0;
            boolean attention = p.phaseState() == ReleaseState.Paused || p.phaseState() == ReleaseState.Aborted
                    || p.phaseState() == ReleaseState.Failed || "Paused".equals(p.backfill().state())
                    || "Failed".equals(p.backfill().state()) || blocked;
            rows.add(new PipelineRow(p.name(), p.rollout(), p.state(), p.phase() == null ? "—" : p.phase(), phaseState,
                    p.blockedGates(), p.backfill().state() + (p.backfill().percent() == null ? "" : " " + p.backfill().percent() + "%"),
                    attention ? "attention" : "progressing"));
        }
        rows.sort(Comparator.comparing((PipelineRow r) -> r.group().equals("attention") ? 0 : 1));
        return rows;
    }

    /** A step chip; {@code until} is when a running timed pause ends (the page counts down to it). */
    public record Chip(int index, String label, String status, String until) {
    }

    /** An action button: enabled when the state allows it; abort and promote-full ask for a reason first. */
    /** An action on the release page: offered when the viewer may do it, enabled when the state allows it. */
    public record Button(String action, boolean offered, boolean enabled, boolean askReason) {
    }

    /** A release in full; {@code approval} is the approval it waits for now, or null. */
    public record Detail(ReleaseView release, List<Chip> steps, List<ReleaseView.Event> events,
            List<AnalysisService.RunView> analysis, List<Map<String, Object>> hooks, List<Button> buttons,
            ApprovalCard approval, List<io.kubestead.check.CheckReport> checks, String error) {
    }

    @jakarta.inject.Inject
    io.kubestead.check.Checks checks;

    /** Needs attention first (paused, failed, aborted in the last hour), then progressing, then recently finished. */
    @jakarta.transaction.Transactional
    public List<Row> overview() {
        Instant now = clock.instant();
        Instant day = now.minus(Duration.ofDays(1));
        List<Row> rows = new ArrayList<>();
        for (io.kubestead.release.ReleaseBrief r : releases.recent(day, 300)) {
            String group;
            if (r.state() == ReleaseState.Paused || r.state() == ReleaseState.Failed || (r.state() == ReleaseState.Aborted
                    && r.finishedAt() != null && r.finishedAt().isAfter(now.minus(Duration.ofHours(1))))) {
                group = "attention";
            } else if (r.state().active()) {
                group = "progressing";
            } else {
                group = "finished";
            }
            rows.add(new Row(r.id(), r.rollout(), r.version(), r.phase() == null ? "" : r.phase(), r.state().name(),
                    r.weight(), since(r.updatedAt(), now), group));
        }
        List<String> order = List.of("attention", "progressing", "finished");
        rows.sort(Comparator.comparingInt((Row r) -> order.indexOf(r.group())).thenComparing(Row::id, Comparator.reverseOrder()));
        return rows;
    }

    public Detail detail(String id, String error, io.kubestead.security.Caller viewer) {
        ReleaseView r = releases.get(id);
        RolloutSpec spec = rollouts.spec(r.rollout(), r.revision());
        List<Chip> chips = new ArrayList<>();
        for (int i = 0; i < spec.canarySteps().size(); i++) {
            Step s = spec.canarySteps().get(i);
            String label = s instanceof Step.SetWeight w ? "weight " + w.weight() + "%"
                    : s instanceof Step.Pause p ? (p.duration() == null ? "pause (manual)" : "pause " + Durations.format(p.duration()))
                    : s instanceof Step.Approval a ? "approval (" + a.policy().describe() + ")"
                    : "analysis " + ((Step.Analysis) s).template();
            String status = i < r.currentStep() ? "done"
                    : i == r.currentStep() && r.state().active() && "step".equals(r.stage()) ? "current" : "pending";
            String until = "current".equals(status) && s instanceof Step.Pause p && p.duration() != null
                    && r.nextActionAt() != null ? r.nextActionAt().toString() : null;
            chips.add(new Chip(i, label, status, until));
        }
        List<ReleaseView.Event> events = new ArrayList<>(releases.events(id, io.kubestead.common.PageRequest.of("0", "500")).items());
        java.util.Collections.reverse(events);
        List<Map<String, Object>> hooks = events.stream().filter(e -> e.type().startsWith("Hook") && e.details() != null
                && e.details().containsKey("job") && !"HookStarted".equals(e.type())).map(e -> {
                    Map<String, Object> h = new java.util.LinkedHashMap<>(e.details());
                    h.put("outcome", e.type());
                    return h;
                }).toList();
        Set<String> allowed = allowed(r);
        String namespace = rollouts.namespaceOf(spec);
        List<Button> buttons = java.util.Arrays.stream(Action.values()).map(a -> new Button(a.path(),
                viewer != null && viewer.can(a.permission(), namespace), allowed.contains(a.path()),
                a == Action.ABORT || a == Action.PROMOTE_FULL)).toList();
        return new Detail(r, chips, events, analysis.runs(r.id()), hooks, buttons, approvals.waitingOf(r, viewer),
                checks.ofRelease(r.id(), r.pipeline(), r.pipelinePhase()), error);
    }

    /** The actions the release's state allows (the API refuses the others with 409). */
    public static Set<String> allowed(ReleaseView r) {
        Set<String> out = new java.util.LinkedHashSet<>();
        ReleaseActions.allowed(r.state(), r.stage(), r.pendingAction(), r.pauseKind()).forEach(a -> out.add(a.path()));
        return out;
    }

    static String since(Instant t, Instant now) {
        return span(Duration.between(t, now));
    }

    /** A span of time as people read it: "45s", "12m", "3h 59m", "2d 4h" (a negative one as "0s"). */
    static String span(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" : s < 86_400 ? (s / 3600) + "h " + ((s % 3600) / 60) + "m"
                : (s / 86_400) + "d " + ((s % 86_400) / 3600) + "h";
    }
}
