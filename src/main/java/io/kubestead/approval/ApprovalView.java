package io.kubestead.approval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An approval request as the API shows it, with every decision taken on it and whether the caller may decide. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalView(long id, String state, String subject, String rollout, String namespace, Long release,
        String version, Integer step, String pipeline, String phase, Map<String, Object> policy, String requester,
        Instant requestedAt, Instant expiresAt, Instant decidedAt, String outcome, List<DecisionView> decisions,
        boolean canDecide) {

    public record DecisionView(String actor, String via, String decision, String comment, Instant at) {
    }
}
