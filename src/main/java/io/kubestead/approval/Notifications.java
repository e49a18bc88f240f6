package io.kubestead.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kubestead.analysis.AnalysisService;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseActions;
import io.kubestead.release.ReleaseChanged;
import io.kubestead.release.ReleaseEvent;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;

/**
 * Writes notifications to the outbox in the transaction of the change they report: a release event (paused for a
 * person, approval requested, aborted, failed, promoted), an approval's decision, a blocked gate, a completed
 * backfill. One row per notification and channel, keyed so that a repeat (a retried transaction, a second replica)
 * writes nothing; {@link OutboxDelivery} sends them.
 */
@ApplicationScoped
public class Notifications {

    /** Fired after an outbox write commits: delivery starts at once. */
    public record Written() {
    }

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    @Inject
    RolloutService rollouts;

    @Inject
    AnalysisService analysis;

    @Inject
    SlackSettings slack;

    @Inject
    ApprovalService approvals;

    @Inject
    Event<Written> written;

    /** Every release event, in its transaction (a synchronous observer). */
    void onReleaseEvent(@Observes ReleaseChanged c) {
        Release r = em.find(Release.class, c.releaseId());
        if (r == null) {
            return;
        }
        if (!(r.state == ReleaseState.Paused && ReleaseActions.APPROVAL.equals(r.pauseKind))) {
            // the release no longer waits at an approval step: whatever was open for it is cancelled
            approvals.cancelOpen(r.id, "the release moved on (" + c.type() + ")");
        }
        String kind = kindOf(c, r);
        if (kind == null) {
            return;
        }
        ReleaseEvent e = em.find(ReleaseEvent.class, c.eventId());
        Map<String, Object> p = releasePayload(r, kind);
        p.put("event", e.type);
        p.put("actor", e.actor);
        p.put("reason", e.reason);
        p.put("at", e.at.toString());
        if ("approval-requested".equals(kind)) {
            Approval a = Approval.<Approval>find("releaseId = ?1 and attempt = ?2 and step = ?3", r.id, r.attempt, r.currentStep)
                    .firstResult();
            if (a != null) {
                p.put("approval", approvalPayload(a));
            }
        }
        enqueue("release-event:" + c.eventId(), kind, r.rolloutName, r.revision, p);
    }

    /** What a release event is worth telling people, or null. */
    static String kindOf(ReleaseChanged c, Release r) {
        if ("ApprovalRequested".equals(c.type())) {
            return "approval-requested";
        }
        if (c.state() == c.from()) {
            return null;
        }
        return switch (c.state()) {
            case Promoted -> "promoted";
            case Aborted -> "aborted";
            case Failed -> "failed";
            // waiting for a person: a manual pause, an indefinite pause step, an inconclusive analysis
            case Paused -> r.stepData != null && r.stepData.get("until") != null ? null : "paused";
            default -> null;
        };
    }

    /** A pipeline phase's approval was asked for. */
    void approvalRequested(Approval a) {
        Map<String, Object> p = pipelinePayload(a.pipelineName, a.phase, a.rolloutName, "approval-requested");
        p.put("approval", approvalPayload(a));
        p.put("reason", "the " + a.phase + " phase may start only after " + a.policy().describe());
        enqueue("approval:" + a.id + ":requested", "approval-requested", a.rolloutName, null, p);
    }

    /** One more person decided, but the approval is still open. */
    void approvalProgress(Approval a, ApprovalDecision d) {
        decided(a, "approval:" + a.id + ":decision:" + d.userName);
    }

    /** An approval was settled: approved, rejected, expired or cancelled. */
    void approvalSettled(Approval a) {
        decided(a, "approval:" + a.id + ":" + a.state);
        if (a.pipelineName != null && (Approval.REJECTED.equals(a.state) || Approval.EXPIRED.equals(a.state))) {
            Map<String, Object> p = pipelinePayload(a.pipelineName, a.phase, a.rolloutName, "gate-blocked");
            p.put("approval", approvalPayload(a));
            p.put("reason", "the " + a.phase + " phase is blocked: its approval was " + a.state.toLowerCase(java.util.Locale.ROOT)
                    + (a.outcome == null ? "" : " (" + a.outcome + ")"));
            enqueue("approval:" + a.id + ":gate-blocked", "gate-blocked", a.rolloutName, null, p);
        }
    }

    /** The Slack message a click came from, replaced by the approval as it is now (buttons while it stays open). */
    void slackUpdate(Approval a, String key, String responseUrl) {
        Map<String, Object> body = new LinkedHashMap<>(SlackMessages.render(approvalNow(a,
                Approval.PENDING.equals(a.state) ? "approval-requested" : "approval-decided")));
        body.put("replace_original", true);
        slackResponse(key, responseUrl, body);
    }

    private Map<String, Object> approvalNow(Approval a, String kind) {
        Map<String, Object> p = a.releaseId != null ? releasePayload(em.find(Release.class, a.releaseId), kind)
                : pipelinePayload(a.pipelineName, a.phase, a.rolloutName, kind);
        p.put("approval", approvalPayload(a));
        return p;
    }

    private void decided(Approval a, String key) {
        Map<String, Object> p = approvalNow(a, "approval-decided");
        enqueue(key, "approval-decided", a.rolloutName, null, p);
        if (a.slackTs != null && a.slackChannel != null) {
            // the request the bot posted shows the decisions (and loses its buttons once settled)
            Map<String, Object> update = new LinkedHashMap<>(p);
            update.put("slackChannel", a.slackChannel);
            update.put("slackTs", a.slackTs);
            write(key + "/update", Channels.SLACK_UPDATE, "approval-decided", update);
        }
    }

    /** A pipeline's backfill completed (in the backfill's transaction). */
    public void backfillCompleted(String pipeline, String rollout, long rows) {
        Map<String, Object> p = pipelinePayload(pipeline, "expand", rollout, "backfill-completed");
        p.put("reason", "backfill completed: " + rows + " rows");
        enqueue("pipeline:" + pipeline + ":backfill-completed", "backfill-completed", rollout, null, p);
    }

    /** An ephemeral answer or an update to a Slack interaction (its response_url), sent once per key. */
    public void slackResponse(String key, String responseUrl, Map<String, Object> body) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("url", responseUrl);
        p.put("body", body);
        write(key, Channels.SLACK_RESPONSE, "slack-response", p);
    }

    private Map<String, Object> releasePayload(Release r, String kind) {
        RolloutSpec spec = rollouts.spec(r.rolloutName, r.revision);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kind", kind);
        p.put("rollout", r.rolloutName);
        p.put("namespace", rollouts.namespaceOf(spec));
        Map<String, Object> rel = new LinkedHashMap<>();
        rel.put("id", r.id);
        rel.put("version", r.version);
        rel.put("image", r.image);
        rel.put("state", r.state.name());
        rel.put("step", r.currentStep);
        rel.put("steps", spec.canarySteps().size());
        rel.put("weight", r.weight);
        p.put("release", rel);
        if (r.pipelineName != null) {
            p.put("pipeline", r.pipelineName);
            p.put("phase", r.pipelinePhase);
        }
        p.put("url", link("/releases/" + r.id));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (AnalysisService.RunView run : analysis.runs(r.id)) {
            if (run.attempt() == r.attempt) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("template", run.template());
                m.put("status", run.status());
                m.put("measurements", run.taken());
                if (run.message() != null) {
                    m.put("message", run.message());
                }
                runs.add(m);
            }
        }
        p.put("analysis", runs);
        return p;
    }

    private Map<String, Object> pipelinePayload(String pipeline, String phase, String rollout, String kind) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kind", kind);
        p.put("rollout", rollout);
        p.put("namespace", rollouts.namespaceOf(rollout));
        p.put("pipeline", pipeline);
        p.put("phase", phase);
        p.put("url", link("/pipelines/" + pipeline));
        p.put("at", clock.instant().toString());
        return p;
    }

    private Map<String, Object> approvalPayload(Approval a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id);
        m.put("subject", a.subject());
        m.put("state", a.state);
        m.put("policy", a.policy);
        m.put("describe", a.policy().describe());
        m.put("expiresAt", a.expiresAt.toString());
        if (a.requester != null) {
            m.put("requester", a.requester);
        }
        if (a.outcome != null) {
            m.put("outcome", a.outcome);
        }
        List<Map<String, Object>> decisions = new ArrayList<>();
        for (ApprovalDecision d : ApprovalDecision.<ApprovalDecision>list("approvalId = ?1 order by id", a.id)) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("actor", d.actor);
            x.put("via", d.via);
            x.put("decision", d.decision);
            if (d.comment != null) {
                x.put("comment", d.comment);
            }
            x.put("at", d.at.toString());
            decisions.add(x);
        }
        m.put("decisions", decisions);
        return m;
    }

    private String link(String path) {
        return config.security().publicUrl().map(u -> u.replaceAll("/+$", "") + path).orElse(path);
    }

    /** One row per subscribed channel; a rollout without subscriptions tells Slack everything, when Slack is set up. */
    private void enqueue(String key, String kind, String rollout, Integer revision, Map<String, Object> payload) {
        RolloutSpec spec = revision == null ? rollouts.currentSpec(rollout) : rollouts.spec(rollout, revision);
        List<RolloutSpec.Subscription> subs = spec == null || spec.notifications() == null
                ? (slack.configured() ? List.of(new RolloutSpec.Subscription(List.of("all"), "slack")) : List.of())
                : spec.notifications();
        for (RolloutSpec.Subscription s : subs) {
            if (s.wants(kind)) {
                write(key + "/" + s.channel(), s.channel(), kind, payload);
            }
        }
    }

    private void write(String key, String channel, String kind, Map<String, Object> payload) {
        String json;
        try {
            json = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Instant now = clock.instant();
        int rows = em.createNativeQuery("insert into outbox (idempotency_key, channel, kind, payload, state, attempts, "
                + "next_attempt_at, created_at) values (?1, ?2, ?3, cast(?4 as jsonb), 'Pending', 0, ?5, ?5) "
                + "on conflict (idempotency_key) do nothing").setParameter(1, key).setParameter(2, channel)
                .setParameter(3, kind).setParameter(4, json).setParameter(5, now).executeUpdate();
        if (rows > 0) {
            written.fire(new Written());
        }
    }
}
