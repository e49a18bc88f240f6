package io.kubestead.common;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EntityManager;

/**
 * A worker's committed claim on a row (a release, a backfill): who holds it, the holder's liveness key (see
 * {@link Liveness}), and until when it holds if the holder lives but falls silent. Taken with {@link #take}, which
 * also raises the row's {@code lock_version}: the fencing version its holder's result is written against. The
 * entity's field is null when nobody holds the row.
 */
@Embeddable
public class Lease {

    /** The SQL condition (with the current time as parameter ?1) that a row's claim is free. */
    public static final String FREE = "(claimed_by is null or lease_until < ?1 or not " + Liveness.CLAIM_ALIVE + ")";
    /** The SQL expression of when a row wants attention: its lease's end while one holds, else {@code due}. */
    public static final String AFTER_LEASE = "case when claimed_by is not null and lease_until > ?1 then lease_until else %s end";

    @Column(name = "claimed_by")
    public String claimedBy;

    @Column(name = "claim_key")
    public Integer claimKey;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /** Claims a row already locked by the caller's transaction, raising its fencing version. */
    public static void take(EntityManager em, String table, String keyColumn, Object key, String holder, int livenessKey,
            Instant until) {
        em.createNativeQuery("update " + table + " set claimed_by = ?2, claim_key = ?3, lease_until = ?4, "
                + "lock_version = lock_version + 1 where " + keyColumn + " = ?1").setParameter(1, key).setParameter(2, holder)
                .setParameter(3, livenessKey).setParameter(4, until).executeUpdate();
    }

    /** Gives up a claim whose result was discarded, if it is still this holder's (the fencing version stays). */
    public static void drop(EntityManager em, String table, String keyColumn, Object key, String holder) {
        em.createNativeQuery("update " + table + " set claimed_by = null, claim_key = null, lease_until = null where "
                + keyColumn + " = ?1 and claimed_by = ?2").setParameter(1, key).setParameter(2, holder).executeUpdate();
    }
}
