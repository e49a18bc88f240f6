package io.kubestead.check;

import java.util.Map;

/**
 * One thing a migration does that the running application or the database's other users will notice.
 *
 * @param rule      the rule's id, e.g. {@code rename-column}
 * @param category  "breaking" (the version still running may fail), "locking" (reads or writes wait for as long as a
 *                  scan, rewrite or index build takes) or "practice" (lock_timeout, several locks in one transaction)
 * @param statement 1-based index of the statement, null for the whole migration
 * @param sql       that statement's text, whitespace collapsed, at most 300 characters
 * @param relation  the table, index or type it concerns as written ("public.orders", "orders"), or null
 * @param message   what happens, concretely
 * @param fix       the safe pattern, naming the statements to use
 * @param recipe    for a breaking change a Kubestead pipeline can carry out: the pipeline request's {@code change}
 */
public record Finding(String rule, Severity severity, String category, Integer statement, String sql, String relation,
        String message, String fix, Map<String, Object> recipe) {
}
