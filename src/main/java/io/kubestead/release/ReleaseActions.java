package io.kubestead.release;

import io.kubestead.security.Caller;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.Exceptions;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.release.ReleaseView;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.RolloutSpecParser;
import io.kubestead.rollout.spec.Step;

/**
 * Pause, resume, promote, promote-full, abort and retry. Each takes the release's row lock, so of concurrent
 * conflicting actions exactly one wins and the others see the state it left (409). Abort is carried out by the
 * engine (canary weight 0 first, then Aborted), which every committed change wakes at once.
 */
@ApplicationScoped
public class ReleaseActions {

    @Inject
    EntityManager em;

    @Inject
    ReleaseService history;

    @Inject
    RolloutService rollouts;

    @Inject
    Clock clock;

    /** Reads the optional body of an action: {"reason": "..."}. */
    public static String parseReason(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            return null;
        }
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType == null ? "application/json" : contentType), errors);
        String reason = null;
        if (root.expectMap()) {
            reason = root.string("reason", false, 1000);
            root.finish();
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return reason == null || reason.isBlank() ? null : reason.trim();
    }

    @Transactional
    public ReleaseView act(String id, Action action, Caller caller, String reason) {
        Release r = history.requireLocked(id);
        RolloutSpec spec = rollouts.spec(r.rolloutName, r.revision);
        caller.require(action.permission(), rollouts.namespaceOf(spec));
        String actor = caller.actor();
        if (!allowed(r.state, r.stage, r.requestedAction, r.pauseKind).contains(action)) {
            throw invalid(r, action.path(), why(r, action));
        }
        Instant now = clock.instant();
        switch (action) {
            case PAUSE -> pause(r, actor, reason);
            case RESUME -> resume(r, spec, actor, reason, now);
            case PROMOTE -> promote(r, spec, actor, reason, now);
            case PROMOTE_FULL -> promoteFull(r, actor, reason, now);
            case ABORT -> abort(r, actor, reason, now);
            case RETRY -> retry(r, spec, actor, reason, now);
        }
        return history.get(String.valueOf(r.id));
    }

    /** Why a release is Paused at an approval step, and after one expired with onTimeout pause. */
    public static final String APPROVAL = "approval";
    public static final String APPROVAL_EXPIRED = "approval-expired";

    /** The approvals an approval step waits for are given: the release goes on with its next step. */
    public void approvalGiven(Release r, String actor, String reason) {
        RolloutSpec spec = rollouts.spec(r.rolloutName, r.revision);
        r.pauseKind = null;
        history.record(r, "Resumed", ReleaseState.Progressing, actor, reason, Map.of("step", r.currentStep,
                "pause", APPROVAL));
        skipStep(r, spec, actor, clock.instant());
    }

    /** An approver rejected the release: it is aborted (canary weight 0 first), as if they had asked for that. */
    public void approvalRejected(Release r, String actor, String reason) {
        r.pauseKind = null;
        abort(r, actor, reason, clock.instant());
    }

    private void pause(Release r, String actor, String reason) {
        r.pauseKind = "manual";
        r.dueAt = null;
        history.record(r, "Paused", ReleaseState.Paused, actor, reason, Map.of("step", r.currentStep));
    }

    private void resume(Release r, RolloutSpec spec, String actor, String reason, Instant now) {
        String kind = r.pauseKind;
        r.pauseKind = null;
        history.record(r, "Resumed", ReleaseState.Progressing, actor, reason, Map.of("step", r.currentStep,
                "pause", kind == null ? "manual" : kind));
        if (APPROVAL_EXPIRED.equals(kind)) {
            // the approval step asks again, with a new timeout
            r.dueAt = now;
        } else if ("step".equals(kind) || "analysis".equals(kind)) {
            // a pause step ends when a person resumes it; an inconclusive analysis is judged good by them
            skipStep(r, spec, actor, now);
        } else {
            r.dueAt = now;
        }
    }

    private void promote(Release r, RolloutSpec spec, String actor, String reason, Instant now) {
        if (r.state == ReleaseState.Paused) {
            r.pauseKind = null;
            history.record(r, "Resumed", ReleaseState.Progressing, actor, reason, Map.of("step", r.currentStep));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("step", r.currentStep);
        if (r.currentStep < spec.canarySteps().size()) {
            d.put("spec", RolloutSpecParser.stepDocument(spec.canarySteps().get(r.currentStep)));
        }
        history.note(r, "StepPromoted", actor, reason, d);
        skipStep(r, spec, actor, now);
    }

    private void skipStep(Release r, RolloutSpec spec, String actor, Instant now) {
        if (r.currentStep < spec.canarySteps().size()) {
            Step step = spec.canarySteps().get(r.currentStep);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("step", r.currentStep);
            d.put("kind", step.kind());
            d.put("spec", RolloutSpecParser.stepDocument(step));
            d.put("by", actor);
            history.note(r, "StepCompleted", actor, null, d);
            r.currentStep++;
        }
        r.stepStartedAt = now;
        r.stepData = null;
        r.dueAt = now;
    }

    private void promoteFull(Release r, String actor, String reason, Instant now) {
        r.pauseKind = null;
        r.stage = Release.STAGE_PROMOTE;
        r.stepData = null;
        r.dueAt = now;
        history.record(r, "PromoteFull", ReleaseState.Progressing, actor, reason,
                Map.of("skippedFromStep", r.currentStep));
    }

    private void abort(Release r, String actor, String reason, Instant now) {
        r.requestedAction = "abort";
        r.requestedBy = actor;
        r.requestedReason = reason;
        r.requestedAt = now;
        r.dueAt = Release.DUE_FIRST;
        history.note(r, "AbortRequested", actor, reason, Map.of("weight", r.weight));
    }

    private void retry(Release r, RolloutSpec spec, String actor, String reason, Instant now) {
        r.attempt++;
        r.stepData = null;
        r.pauseKind = null;
        r.stage = Release.STAGE_STEP;
        r.currentStep = 0;
        r.stepStartedAt = now;
        r.dueAt = now;
        boolean hooksUnfinished = r.hookIndex < spec.preDeployHooks().size();
        ReleaseState to = hooksUnfinished ? ReleaseState.RunningHooks : ReleaseState.Progressing;
        history.record(r, "Retried", to, actor, reason, Map.of("attempt", r.attempt,
                "from", hooksUnfinished ? "hook " + spec.preDeployHooks().get(r.hookIndex).name() : "step 0"));
        try {
            em.flush();
        } catch (PersistenceException e) {
            if ("23505".equals(Exceptions.sqlState(e))) {
                throw ApiException.conflict("Cannot retry release " + r.id + ": another release of rollout "
                        + r.rolloutName + " is in progress.");
            }
            throw e;
        }
    }

    /**
     * The actions a release in this state allows: the one rule the API enforces (409 otherwise) and the console
     * uses to enable its buttons.
     */
    public static Set<Action> allowed(ReleaseState state, String stage, String pendingAction, String pauseKind) {
        Set<Action> allowed = EnumSet.noneOf(Action.class);
        if (state == ReleaseState.Aborted || state == ReleaseState.Failed) {
            allowed.add(Action.RETRY);
        }
        if (pendingAction != null) {
            return allowed;
        }
        boolean inSteps = Release.STAGE_STEP.equals(stage);
        if (state == ReleaseState.Progressing && inSteps) {
            allowed.add(Action.PAUSE);
        }
        if (state == ReleaseState.Paused) {
            allowed.add(Action.RESUME);
        }
        if ((state == ReleaseState.Progressing || state == ReleaseState.Paused) && inSteps) {
            allowed.add(Action.PROMOTE);
            allowed.add(Action.PROMOTE_FULL);
        }
        if (state == ReleaseState.Paused && APPROVAL.equals(pauseKind)) {
            // only approvers move a release past an approval step: no operator's resume or promote bypasses them
            allowed.remove(Action.RESUME);
            allowed.remove(Action.PROMOTE);
            allowed.remove(Action.PROMOTE_FULL);
        }
        // abort is honoured after a promote-full, up to the moment the stable Deployment is changed
        if (state.active() && !Release.STAGE_STABLE_ROLLOUT.equals(stage) && !Release.STAGE_CLEANUP.equals(stage)) {
            allowed.add(Action.ABORT);
        }
        return allowed;
    }

    private static String why(Release r, Action action) {
        if (r.requestedAction != null && action != Action.RETRY) {
            return "an abort is already under way";
        }
        if (APPROVAL.equals(r.pauseKind) && action != Action.RETRY) {
            return "it waits at an approval step: approvers approve or reject it (POST /api/v1/releases/" + r.id
                    + "/approvals)";
        }
        return switch (action) {
            case PAUSE -> "only a release progressing through its canary steps can be paused";
            case RESUME -> "only a Paused release can be resumed";
            case PROMOTE -> "only a release in its canary steps can be promoted to the next step";
            case PROMOTE_FULL -> "only a release in its canary steps can be promoted in full";
            case ABORT -> r.state.active() ? "promotion is under way: the stable Deployment already runs " + r.image
                    : "it has already finished";
            case RETRY -> "only an Aborted or Failed release can be retried";
        };
    }

    private static ApiException invalid(Release r, String action, String why) {
        return ApiException.conflict("Cannot " + action + " release " + r.id + ": it is " + r.state
                + (Release.STAGE_STEP.equals(r.stage) ? "" : " (" + r.stage + ")") + "; " + why + ".");
    }
}
