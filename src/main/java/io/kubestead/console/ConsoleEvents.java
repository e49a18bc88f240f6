package io.kubestead.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import io.kubestead.release.ReleaseChanged;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/** Every committed release change, for the console's server-sent events. */
@ApplicationScoped
public class ConsoleEvents {

    private final BroadcastProcessor<ReleaseChanged> changes = BroadcastProcessor.create();

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReleaseChanged change) {
        changes.onNext(change);
    }

    public Multi<ReleaseChanged> stream() {
        return changes;
    }
}
