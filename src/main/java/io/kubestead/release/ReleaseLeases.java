package io.kubestead.release;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.kubestead.common.Actors;
import io.kubestead.common.Lease;
import io.kubestead.common.Timestamps;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The engine's claims on releases, each in a short transaction of its own: the release feature is the only writer
 * of its table. A claim raises the fencing version ({@code lock_version}); a move's result is written only if it is
 * still the claimed one.
 */
@ApplicationScoped
public class ReleaseLeases {

    private static final Logger LOG = Logger.getLogger(ReleaseLeases.class);
    /** The suffix of an abort lane's name in claimed_by. */
    public static final String ABORT_LANE = "/abort";

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    ReleaseService history;

    /** The earliest time a worker may find work (a release under a move counts from its lease's end). */
    public Instant nextDue(boolean aborts) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object v = em.createNativeQuery("select min(" + Lease.AFTER_LEASE.formatted("due_at")
                    + ") from release where due_at is not null and requested_action is "
                    + (aborts ? "not null" : "null")).setParameter("now", clock.instant()).getSingleResult();
            return v == null ? null : Timestamps.instant(v);
        });
    }

    /**
     * Claims the first due release, or null. The abort lane takes releases with a requested abort even from a step
     * worker; step workers take only releases nobody holds, or (with {@code recover}) whose holder is dead or silent.
     *
     * @param only one release to claim if it is due and free (tests), or null for the first due
     */
    public Claim claim(String runner, int key, boolean abortLane, Long only, boolean recover, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            String which = abortLane
                    ? "requested_action = 'abort' and due_at <= :now and (claimed_by not like '%" + ABORT_LANE + "' or " + Lease.FREE + ")"
                    : "requested_action is null and due_at <= :now and " + (recover ? Lease.FREE : "claimed_by is null");
            Map<String, Object> params = new HashMap<>();
            params.put("now", now);
            if (only != null) {
                which += " and id = :only";
                params.put("only", only);
            }
            Release r = Lease.claimNext(em, Release.class, "release", "id", which, "due_at", params, runner, key, now.plus(lease));
            return r == null ? null : new Claim(r.id, r.lockVersion, runner, r.dueAt, now, r.workingCopy());
        });
    }

    /**
     * Writes a move's result (the working copy's progress), its other writes and its events, if the claim still
     * holds; false when the release changed meanwhile.
     */
    public boolean commit(Claim claim, Release work, List<Consumer<Release>> writes, List<ReleaseEvent> events) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Release managed = em.find(Release.class, claim.id(), LockModeType.PESSIMISTIC_WRITE);
            if (managed == null || managed.lockVersion != claim.version()) {
                return false;
            }
            // the cluster watch may have made the release due meanwhile (a Job finished): that wins over a later time
            Instant nudged = java.util.Objects.equals(managed.dueAt, claim.due()) ? null : managed.dueAt;
            managed.takeProgressOf(work);
            if (nudged != null && managed.dueAt != null && nudged.isBefore(managed.dueAt)) {
                managed.dueAt = nudged;
            }
            managed.lease = null;
            for (Consumer<Release> write : writes) {
                write.accept(managed);
            }
            for (ReleaseEvent e : events) {
                history.store(e);
            }
            return true;
        });
    }

    /** Gives up a claim whose move was discarded; the release as it is now (a copy), or null. */
    public Release drop(Claim claim) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Lease.drop(em, "release", "id", claim.id(), claim.by());
            Release r = em.find(Release.class, claim.id());
            return r == null ? null : r.workingCopy();
        });
    }

    /**
     * A move failed for a reason outside the release (the API server unreachable, say): it is tried again after a
     * backoff, and the error is logged and recorded once per change of its text, not once per attempt.
     */
    public void failed(Claim claim, String message, java.util.function.IntToLongFunction moveBackoff,
            java.util.function.IntToLongFunction abortBackoff) {
        QuarkusTransaction.requiringNew().run(() -> {
            Release r = em.find(Release.class, claim.id(), LockModeType.PESSIMISTIC_WRITE);
            if (r == null || r.lockVersion != claim.version()) {
                // changed meanwhile: whoever acts next sees the new state
                return;
            }
            r.lease = null;
            r.errorCount++;
            boolean newMessage = !message.equals(r.lastError);
            r.lastError = message.length() > 2000 ? message.substring(0, 2000) : message;
            r.dueAt = clock.instant().plusMillis(r.requestedAction == null ? moveBackoff.applyAsLong(r.errorCount)
                    : abortBackoff.applyAsLong(r.errorCount));
            if (newMessage) {
                LOG.warnf("Release %d: %s failed, will retry: %s", claim.id(), r.requestedAction == null ? "move" : "abort", message);
                history.note(r, "EngineError", Actors.SYSTEM, "retrying: " + r.lastError, Map.of("engine", claim.by()));
            } else {
                LOG.debugf("Release %d: still failing (%d): %s", claim.id(), r.errorCount, message);
            }
        });
    }
}
