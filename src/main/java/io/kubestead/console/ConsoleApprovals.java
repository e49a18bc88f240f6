package io.kubestead.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.approval.Approval;
import io.kubestead.approval.ApprovalService;
import io.kubestead.approval.ApprovalView;
import io.kubestead.common.PageRequest;
import io.kubestead.release.ReleaseActions;
import io.kubestead.release.ReleaseState;
import io.kubestead.release.ReleaseView;
import io.kubestead.rollout.spec.ApprovalPolicy;
import io.kubestead.security.Caller;

/**
 * The approvals the console shows: what waits on the person looking, the one a release waits for, and a pipeline's
 * phase approvals. Whether to offer a decision is the service's canDecide; the service enforces it again.
 */
@ApplicationScoped
public class ConsoleApprovals {

    @Inject
    ApprovalService approvals;

    @Inject
    Clock clock;

    /** What waits on the viewer now, the soonest to expire first (nothing for people who cannot decide). */
    public List<ApprovalCard> waiting(Caller viewer) {
        if (viewer == null) {
            return List.of();
        }
        return approvals.list("pending", viewer, PageRequest.of("0", "100")).items().stream().map(this::card).toList();
    }

    /** The approval a release waits for now, or null when it waits for none. */
    public ApprovalCard waitingOf(ReleaseView r, Caller viewer) {
        if (r.state() != ReleaseState.Paused || !ReleaseActions.APPROVAL.equals(r.pauseKind())) {
            return null;
        }
        return approvals.ofRelease(r.id(), viewer).stream().filter(a -> Approval.PENDING.equals(a.state()))
                .findFirst().map(this::card).orElse(null);
    }

    /** A pipeline's phase approvals (asked for so far), by phase. */
    public Map<String, ApprovalCard> ofPipeline(String pipeline, Caller viewer) {
        Map<String, ApprovalCard> out = new LinkedHashMap<>();
        approvals.ofPipeline(pipeline, viewer).forEach((phase, a) -> out.put(phase, card(a)));
        return out;
    }

    ApprovalCard card(ApprovalView a) {
        boolean release = a.release() != null;
        String what = release ? a.rollout() + " " + a.version() + ", release " + a.release() + ", step " + (a.step() + 1)
                : "pipeline " + a.pipeline() + ", phase " + a.phase();
        String action = release ? "/releases/" + a.release() + "/approvals" : "/pipelines/" + a.pipeline() + "/approvals";
        Instant now = clock.instant();
        String asked = ConsoleService.span(Duration.between(a.requestedAt(), now));
        String left = ConsoleService.span(Duration.between(now, a.expiresAt()));
        return new ApprovalCard(a, what, ApprovalPolicy.of(a.policy()).describe(), asked, left, action);
    }
}
