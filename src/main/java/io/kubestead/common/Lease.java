package io.kubestead.common;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EntityManager;

/**
 * A worker's committed claim on a row (a release, a backfill): who holds it, the holder's liveness key (see
 * {@link Liveness}), and until when it holds if the holder lives but falls silent. Taken with {@link #claimNext},
 * which also raises the row's {@code lock_version}: the fencing version its holder's result is written against.
 * The entity's field is null when nobody holds the row.
 */
@Embeddable
public class Lease {

    /** The SQL condition (with the current time as parameter :now) that a row's claim is free. */
    public static final String FREE = "(claimed_by is null or lease_until < :now or not " + Liveness.CLAIM_ALIVE + ")";
    /** The SQL expression of when a row wants attention: its lease's end while one holds, else {@code due}. */
    public static final String AFTER_LEASE = "case when claimed_by is not null and lease_until > :now then lease_until else %s end";

    @Column(name = "claimed_by")
    public String claimedBy;

    @Column(name = "claim_key")
    public Integer claimKey;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /**
     * Claims the first row of {@code table} that {@code where} selects (parameters named in {@code params}, the
     * current time as {@code :now}), skipping rows other transactions have locked, in one statement: the row comes
     * back with its fencing version raised, or null when none is free. The transaction commits asynchronously: a
     * claim lost with the database's last transactions is harmless (its holder's result fails the fence).
     */
    public static <T> T claimNext(EntityManager em, Class<T> type, String table, String keyColumn, String where,
            String order, Map<String, Object> params, String holder, int livenessKey, Instant until) {
        java.util.List<T> rows = claim(em, type, table, keyColumn, where, order, params, holder, livenessKey, until, 1);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The same for up to {@code limit} rows at once (in no particular order). */
    public static <T> java.util.List<T> claim(EntityManager em, Class<T> type, String table, String keyColumn, String where,
            String order, Map<String, Object> params, String holder, int livenessKey, Instant until, int limit) {
        var q = em.createNativeQuery("with cfg as (select set_config('synchronous_commit', 'off', true) as v), "
                + "next as (select " + keyColumn + " from " + table + " where " + where + " order by " + order
                + " limit " + limit + " for update skip locked) "
                + "update " + table + " t set claimed_by = :holder, claim_key = :key, lease_until = :until, "
                + "lock_version = t.lock_version + 1 from next, cfg where t." + keyColumn + " = next." + keyColumn
                + " and cfg.v is not null returning t.*", type)
                .setParameter("holder", holder).setParameter("key", livenessKey).setParameter("until", until);
        params.forEach(q::setParameter);
        @SuppressWarnings("unchecked")
        java.util.List<T> rows = q.getResultList();
        return rows;
    }

    /** Gives up a claim whose result was discarded, if it is still this holder's (the fencing version stays). */
    public static void drop(EntityManager em, String table, String keyColumn, Object key, String holder) {
        em.createNativeQuery("update " + table + " set claimed_by = null, claim_key = null, lease_until = null where "
                + keyColumn + " = ?1 and claimed_by = ?2").setParameter(1, key).setParameter(2, holder).executeUpdate();
    }
}
