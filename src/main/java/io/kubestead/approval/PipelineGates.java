package io.kubestead.approval;

/** What the pipeline feature does when a phase's approval expires with onTimeout abort (it owns the pipeline). */
public interface PipelineGates {

    /** Aborts the pipeline if it is still active, and marks the approval's consequence done, in one transaction. */
    void approvalTimedOut(long approvalId, String pipeline, String reason);
}
