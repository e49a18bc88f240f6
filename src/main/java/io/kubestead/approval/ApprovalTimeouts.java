package io.kubestead.approval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Once a second: pipeline gate approvals nobody decided in time expire, and those with onTimeout abort abort their
 * pipeline. Each step is its own transaction and is repeated until done, so a crash between them loses nothing.
 * (An approval step's timeout is the engine's: the release is due when it expires.)
 */
@ApplicationScoped
public class ApprovalTimeouts {

    private static final Logger LOG = Logger.getLogger(ApprovalTimeouts.class);

    @Inject
    ApprovalService approvals;

    @Inject
    PipelineGates gates;

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        approvals.expireDueGates();
        for (Approval a : approvals.gateConsequencesDue()) {
            try {
                gates.approvalTimedOut(a.id, a.pipelineName, "the " + a.phase + " phase's approval timed out (onTimeout abort)");
            } catch (RuntimeException e) {
                LOG.warnf("Pipeline %s: aborting after its %s approval timed out failed, will retry: %s", a.pipelineName,
                        a.phase, e.getMessage());
            }
        }
    }
}
