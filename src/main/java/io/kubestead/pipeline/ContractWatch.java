package io.kubestead.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.kubestead.check.CheckSettings;
import io.kubestead.check.Checks;
import io.kubestead.check.StableQueries;
import io.kubestead.kube.Workloads;
import io.kubestead.release.ReleaseBrief;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Contract waits for the old version to be gone. While a pipeline's migrate release is promoted and its contract
 * has not started, this looks — at promotion, every {@code kubestead.checks.watch-interval}, and when the contract
 * is started — at two things: which pods still serve an image other than the migrate release's, and whether any
 * query that the contract would break (planned against a shadow with the contract applied) has run again on the
 * target, by its calls in pg_stat_statements. Each look is remote calls first, then one short transaction.
 */
@ApplicationScoped
public class ContractWatch {

    private static final Logger LOG = Logger.getLogger(ContractWatch.class);

    @Inject
    Clock clock;

    @Inject
    Checks checks;

    @Inject
    CheckSettings settings;

    @Inject
    TargetDatabases databases;

    @Inject
    Workloads workloads;

    @Inject
    RolloutService rollouts;

    @Inject
    ReleaseService releases;

    @Scheduled(every = "${kubestead.checks.watch-interval:1m}", delayed = "${kubestead.checks.watch-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sampleWaiting() {
        for (String name : waiting()) {
            try {
                sample(name);
            } catch (RuntimeException e) {
                LOG.warnf("Could not look at the old version of pipeline %s: %s", name, e.getMessage());
            }
        }
    }

    /** Active pipelines whose migrate release is promoted and whose contract has not started. */
    List<String> waiting() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> names = Pipeline.getEntityManager().createQuery("select p.name from Pipeline p where p.state = 'Active'",
                    String.class).getResultList();
            List<String> out = new ArrayList<>();
            releases.byPipelinePhase(names).forEach((name, phases) -> {
                ReleaseBrief migrate = phases.get("migrate");
                if (migrate != null && migrate.state() == ReleaseState.Promoted && !phases.containsKey("contract")) {
                    out.add(name);
                }
            });
            return out;
        });
    }

    private record Subject(String database, String contractSql, String namespace, String deployment, String migrateImage,
            Map<String, Map<String, Object>> known) {
    }

    /** One look at a pipeline's old version. A remote call: never inside a transaction. */
    public void sample(String pipeline) {
        Subject s = QuarkusTransaction.requiringNew().call(() -> {
            Pipeline p = Pipeline.findById(pipeline);
            ReleaseBrief migrate = p == null ? null : releases.byPipelinePhase(List.of(pipeline)).getOrDefault(pipeline, Map.of())
                    .get("migrate");
            if (migrate == null || migrate.state() != ReleaseState.Promoted) {
                return null;
            }
            RolloutSpec spec = rollouts.currentSpec(p.rolloutName);
            @SuppressWarnings("unchecked")
            Map<String, String> phase = (Map<String, String>) p.phases.get("migrate");
            Plan plan = PipelineService.plan(p);
            ContractWatchState w = ContractWatchState.findById(pipeline);
            return new Subject(p.databaseName, String.join(";\n", plan.contract()), rollouts.namespaceOf(spec), spec.deployment(),
                    phase.get("image"), w == null ? Map.of() : new HashMap<>(w.queries));
        });
        if (s == null) {
            return;
        }
        // the pods: anything serving an image other than the migrate release's is the old version
        List<String> oldPods = null;
        try {
            oldPods = new ArrayList<>();
            for (Map.Entry<String, String> e : workloads.servingImages(s.namespace(), s.deployment()).entrySet()) {
                if (!e.getValue().equals(s.migrateImage())) {
                    oldPods.add(e.getKey() + " (" + e.getValue() + ")");
                }
            }
        } catch (RuntimeException e) {
            LOG.infof("Cannot list what serves %s/%s for pipeline %s: %s", s.namespace(), s.deployment(), pipeline, e.getMessage());
            oldPods = null;
        }
        // the queries: which ran, and which of them the contract breaks (new ones are planned on a shadow)
        StableQueries.Sample sample;
        Set<String> breaks = Set.of();
        String note;
        try (Connection c = databases.open(s.database())) {
            sample = StableQueries.read(c, settings.stableRoles().orElse(null), settings.maxStableQueries());
            note = sample.queries().isEmpty() ? sample.note() : null;
        } catch (SQLException e) {
            LOG.infof("Cannot read pg_stat_statements of %s for pipeline %s (SQLSTATE %s)", s.database(), pipeline, e.getSQLState());
            return;
        }
        List<String> unknown = sample.queries().stream().filter(q -> !s.known().containsKey(String.valueOf(q.queryid())))
                .map(StableQueries.Seen::query).distinct().toList();
        try {
            breaks = checks.wouldBreak(s.database(), s.contractSql(), unknown);
        } catch (SQLException e) {
            LOG.infof("Cannot plan the queries of pipeline %s on a shadow (SQLSTATE %s); they are judged at the next look",
                    pipeline, e.getSQLState());
            return;
        }
        Set<String> broken = breaks;
        List<String> pods = oldPods;
        QuarkusTransaction.requiringNew().run(() -> record(pipeline, sample, broken, note, pods));
    }

    private void record(String pipeline, StableQueries.Sample sample, Set<String> broken, String note, List<String> oldPods) {
        Pipeline p = Pipeline.findById(pipeline, LockModeType.PESSIMISTIC_WRITE);
        if (p == null) {
            return;
        }
        Instant now = clock.instant();
        ContractWatchState w = ContractWatchState.findById(pipeline, LockModeType.PESSIMISTIC_WRITE);
        if (w == null) {
            w = new ContractWatchState();
            w.pipelineName = pipeline;
            w.queries = new LinkedHashMap<>();
            w.oldPods = List.of();
            w.updatedAt = now;
            w.persist();
        }
        boolean first = w.firstSampledAt == null;
        Map<String, Map<String, Object>> queries = new LinkedHashMap<>(w.queries);
        for (StableQueries.Seen q : sample.queries()) {
            String id = String.valueOf(q.queryid());
            Map<String, Object> before = queries.get(id);
            boolean reads = before != null ? Boolean.TRUE.equals(before.get("reads")) : broken.contains(q.query());
            long calls = before == null ? 0 : ((Number) before.get("calls")).longValue();
            // more calls than last time, a reset counter that counted again, or a new query seen after the first look
            boolean ran = before != null ? q.calls() != calls : !first && q.calls() > 0;
            if (reads && ran) {
                w.lastReadAt = now;
                w.lastReadQuery = q.query();
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("query", q.query());
            entry.put("calls", q.calls());
            entry.put("reads", reads);
            queries.put(id, entry);
        }
        w.queries = queries;
        w.note = note;
        if (first) {
            w.firstSampledAt = now;
        }
        w.sampledAt = now;
        if (oldPods != null) {
            w.oldPods = oldPods;
            w.podsCheckedAt = now;
        }
        w.updatedAt = now;
    }

    /** The contract's two waiting gates, from the last look (no remote call). */
    List<PipelineView.Gate> gates(Pipeline p, ReleaseBrief migrate) {
        List<PipelineView.Gate> gates = new ArrayList<>();
        boolean promoted = migrate != null && migrate.state() == ReleaseState.Promoted;
        ContractWatchState w = promoted ? ContractWatchState.findById(p.name) : null;
        String interval = io.kubestead.common.Durations.format(settings.watchInterval());
        if (!promoted) {
            gates.add(new PipelineView.Gate("oldVersionGone", false, "looked at once migrate is promoted"));
            gates.add(new PipelineView.Gate("oldQueriesStopped", false, "watched once migrate is promoted"));
            return gates;
        }
        if (w == null || w.podsCheckedAt == null) {
            gates.add(new PipelineView.Gate("oldVersionGone", false, "not looked at yet (every " + interval
                    + ", and when the contract is started)"));
        } else if (!w.oldPods.isEmpty()) {
            gates.add(new PipelineView.Gate("oldVersionGone", false, "the old version still serves: "
                    + String.join(", ", w.oldPods.stream().limit(5).toList()) + (w.oldPods.size() > 5 ? " and " + (w.oldPods.size() - 5)
                            + " more" : "") + " (looked at " + w.podsCheckedAt + ")"));
        } else {
            gates.add(new PipelineView.Gate("oldVersionGone", true, "only the migrate release's image serves (looked at "
                    + w.podsCheckedAt + ")"));
        }
        Duration quiet = settings.quietPeriod();
        Instant now = clock.instant();
        if (w == null || w.sampledAt == null) {
            gates.add(new PipelineView.Gate("oldQueriesStopped", false, "not watched yet (every " + interval
                    + ", and when the contract is started)"));
        } else if (w.note != null) {
            gates.add(new PipelineView.Gate("oldQueriesStopped", true, "cannot tell, and so does not hold the contract back: "
                    + w.note));
        } else if (!w.sampledAt.isAfter(w.firstSampledAt)) {
            gates.add(new PipelineView.Gate("oldQueriesStopped", false, "watching since " + w.firstSampledAt
                    + ": a second look tells whether the old version's queries still run"));
        } else if (w.lastReadAt != null && !w.sampledAt.isAfter(w.lastReadAt)) {
            gates.add(new PipelineView.Gate("oldQueriesStopped", false, "a query that reads what the contract drops ran "
                    + "before " + w.lastReadAt + ": " + io.kubestead.common.Names.quote(io.kubestead.check.ShadowRun.shorten(w.lastReadQuery == null ? "" : w.lastReadQuery, 200))));
        } else if (w.lastReadAt != null && now.isBefore(w.lastReadAt.plus(quiet))) {
            gates.add(new PipelineView.Gate("oldQueriesStopped", false, "the last query reading what the contract drops ran "
                    + "before " + w.lastReadAt + "; opens at " + w.lastReadAt.plus(quiet) + " ("
                    + io.kubestead.common.Durations.format(quiet) + " quiet)"));
        } else {
            gates.add(new PipelineView.Gate("oldQueriesStopped", true, "no query that reads what the contract drops has run "
                    + (w.lastReadAt == null ? "since " + w.firstSampledAt : "since " + w.lastReadAt) + " (looked at "
                    + w.sampledAt + ")"));
        }
        return gates;
    }

}
