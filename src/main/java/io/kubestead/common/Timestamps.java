package io.kubestead.common;

import java.time.Instant;
import java.time.OffsetDateTime;

/** A timestamptz from a native query, whichever Java type the driver and Hibernate chose for it. */
public final class Timestamps {

    private Timestamps() {
    }

    public static Instant instant(Object v) {
        if (v == null || v instanceof Instant) {
            return (Instant) v;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + v.getClass());
    }
}
