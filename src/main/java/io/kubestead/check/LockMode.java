package io.kubestead.check;

import java.util.Locale;

/** PostgreSQL's table-level lock modes, weakest first (the explicit locking chapter of its documentation). */
enum LockMode {
    ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE;

    /**
     * SHARE and stronger conflict with ROW EXCLUSIVE, the lock every INSERT, UPDATE and DELETE takes: while such a lock
     * is held, or waited for, the application's writes to the table queue behind it.
     */
    boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }

    /** Only ACCESS EXCLUSIVE conflicts with ACCESS SHARE, the lock of a plain SELECT. */
    boolean blocksReads() {
        return this == ACCESS_EXCLUSIVE;
    }

    /** As PostgreSQL writes it, e.g. "SHARE ROW EXCLUSIVE". */
    String label() {
        return name().replace('_', ' ');
    }

    /** The mode named by the words of a LOCK statement, e.g. "share row exclusive"; null if none matches. */
    static LockMode named(String words) {
        String key = words.trim().replaceAll("\\s+", "_").toUpperCase(Locale.ROOT);
        for (LockMode m : values()) {
            if (m.name().equals(key)) {
                return m;
            }
        }
        return null;
    }
}
