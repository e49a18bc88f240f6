package io.kubestead.common;

/** Looks through an exception's causes. */
public final class Exceptions {

    private Exceptions() {
    }

    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The PostgreSQL SQLSTATE of the first SQL exception in the chain, or null. */
    public static String sqlState(Throwable e) {
        java.sql.SQLException sql = find(e, java.sql.SQLException.class);
        return sql == null ? null : sql.getSQLState();
    }
}
