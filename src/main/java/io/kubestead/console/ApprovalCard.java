package io.kubestead.console;

import io.kubestead.approval.Approval;
import io.kubestead.approval.ApprovalView;

/**
 * An approval request as the console shows it: the request with its decisions, what it is and its policy in words,
 * how long ago it was asked for and the time left to decide ("3h 59m"), and where a decision on it is posted.
 */
public record ApprovalCard(ApprovalView approval, String what, String policy, String requestedAgo, String expiresIn,
        String action) {

    public boolean pending() {
        return Approval.PENDING.equals(approval.state());
    }

    /** The step counted from 1, as the release page lists its steps. */
    public Integer stepNumber() {
        return approval.step() == null ? null : approval.step() + 1;
    }
}
