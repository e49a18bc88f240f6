package io.kubestead.release;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The states of a release: Pending → RunningHooks → Progressing(step i) ⇄ Paused → Promoted | Aborted | Failed. */
public enum ReleaseState {
    Pending, RunningHooks, Progressing, Paused, Promoted, Aborted, Failed;

    /** States in which a release holds its workload: one per rollout at a time. */
    public static final Set<ReleaseState> ACTIVE = EnumSet.of(Pending, RunningHooks, Progressing, Paused);

    public boolean active() {
        return ACTIVE.contains(this);
    }

    public static ReleaseState parse(String text) {
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(text)).findFirst().orElse(null);
    }
}
