package io.kubestead.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Timestamps;

/**
 * Failed sign-ins per user name and per client address, kept in the database so that every replica counts them.
 * Past the limit a key is refused, without its password being checked, for a time that doubles with each further
 * failure. Unknown user names are counted like known ones: the answers never tell them apart.
 */
@ApplicationScoped
public class SignInGuard {

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    static String userKey(String user) {
        return "user:" + (user == null ? "" : user.toLowerCase(Locale.ROOT));
    }

    static String addressKey(String address) {
        return "addr:" + (address == null ? "unknown" : address);
    }

    /** How long until this user name from this address may try again; empty when it may now. */
    @Transactional
    public Optional<Duration> refusal(String user, String address) {
        Instant now = clock.instant();
        Instant until = null;
        for (String key : List.of(userKey(user), addressKey(address))) {
            List<?> rows = em.createNativeQuery("select locked_until from sign_in_throttle where key = ?1")
                    .setParameter(1, key).getResultList();
            if (!rows.isEmpty() && rows.get(0) != null) {
                Instant locked = Timestamps.instant(rows.get(0));
                if (locked.isAfter(now) && (until == null || locked.isAfter(until))) {
                    until = locked;
                }
            }
        }
        if (until == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, until);
        return Optional.of(left.isZero() ? Duration.ofSeconds(1) : left);
    }

    @Transactional
    public void failed(String user, String address) {
        var s = config.security();
        count(userKey(user), s.userFailures());
        count(addressKey(address), s.addressFailures());
    }

    /** A successful sign-in forgets the user name's failures; the address's are kept (password spraying). */
    @Transactional
    public void succeeded(String user) {
        em.createNativeQuery("delete from sign_in_throttle where key = ?1").setParameter(1, userKey(user))
                .executeUpdate();
    }

    private void count(String key, int limit) {
        Instant now = clock.instant();
        var s = config.security();
        em.createNativeQuery("insert into sign_in_throttle (key, failures, window_start) values (?1, 0, ?2) "
                + "on conflict (key) do nothing").setParameter(1, key).setParameter(2, Timestamp.from(now)).executeUpdate();
        Object[] row = (Object[]) em.createNativeQuery(
                "select failures, window_start, locked_until from sign_in_throttle where key = ?1 for update")
                .setParameter(1, key).getSingleResult();
        int failures = ((Number) row[0]).intValue();
        Instant windowStart = Timestamps.instant(row[1]);
        Instant lockedUntil = Timestamps.instant(row[2]);
        boolean locked = lockedUntil != null && lockedUntil.isAfter(now);
        if (!locked && windowStart.plus(s.failureWindow()).isBefore(now)) {
            failures = 0;
            windowStart = now;
        }
        failures++;
        Instant newLock = lockedUntil;
        if (failures >= limit) {
            int doublings = Math.min(failures - limit, 30);
            Duration d = s.lockoutBase().multipliedBy(1L << doublings);
            if (d.compareTo(s.lockoutMax()) > 0) {
                d = s.lockoutMax();
            }
            newLock = now.plus(d);
        }
        // a null parameter has no type for the driver: the lock is either set or left as it was
        var update = em.createNativeQuery("update sign_in_throttle set failures = ?2, window_start = ?3"
                + (newLock == null ? "" : ", locked_until = ?4") + " where key = ?1")
                .setParameter(1, key).setParameter(2, failures).setParameter(3, Timestamp.from(windowStart));
        if (newLock != null) {
            update.setParameter(4, Timestamp.from(newLock));
        }
        update.executeUpdate();
    }
}
