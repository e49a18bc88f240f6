package io.kubestead.check;

/**
 * One statement of a migration.
 *
 * @param index         1-based
 * @param sql           its original text without the trailing ';' (comments before and after it left out)
 * @param kind          its leading keywords, e.g. "ALTER TABLE", "CREATE INDEX", "SET", "BEGIN", "VACUUM"
 * @param parser        "jsqlparser" when JSqlParser read it, "lexer" when the token-level classifier did
 * @param transactional false for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY,
 *                      VACUUM, ...)
 */
public record SqlStatement(int index, String sql, String kind, String parser, boolean transactional) {
}
