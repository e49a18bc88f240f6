package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;

/** POST /api/v1/databases/{name}/checks: {sql, stableQueries?, stableRoles?}, checked with exact paths. */
public record CheckRequest(String sql, List<String> stableQueries, List<String> stableRoles) {

    public static final int MAX_SQL = 100_000;
    public static final int MAX_QUERIES = 2000;
    static final Set<String> QUERY_KINDS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE", "MERGE");

    public static CheckRequest parse(byte[] body, String contentType) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType), errors);
        if (!root.expectMap()) {
            throw ApiException.invalid(errors);
        }
        String sql = root.string("sql", true, MAX_SQL);
        List<String> queries = null;
        if (root.has("stableQueries")) {
            queries = new ArrayList<>();
            List<Node> items = root.list("stableQueries", false);
            if (items.size() > MAX_QUERIES) {
                root.error("stableQueries", "must have at most " + MAX_QUERIES + " queries, not " + items.size());
            } else {
                for (Node q : items) {
                    String text = query(q);
                    if (text != null) {
                        queries.add(text);
                    }
                }
            }
        }
        List<String> roles = null;
        if (root.has("stableRoles")) {
            roles = new ArrayList<>();
            for (Node r : root.list("stableRoles", false)) {
                if (!(r.value() instanceof String s) || s.isBlank() || s.length() > 63) {
                    r.error("must be a role name (1 to 63 characters), not " + Node.describe(r.value()));
                } else {
                    roles.add(s);
                }
            }
        }
        root.finish();
        if (sql != null && errors.isEmpty()) {
            try {
                if (Lint.lint(sql).statements().isEmpty()) {
                    errors.add(new FieldError("sql", "has no statement"));
                }
            } catch (ApiException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new CheckRequest(sql, queries, roles);
    }

    /** One query the stable version sends: a single SELECT, INSERT, UPDATE, DELETE, WITH, VALUES, TABLE or MERGE. */
    static String query(Node q) {
        if (!(q.value() instanceof String text) || text.isBlank()) {
            q.error("must be the text of one query, not " + Node.describe(q.value()));
            return null;
        }
        if (text.length() > MAX_SQL) {
            q.error("must be at most " + MAX_SQL + " characters");
            return null;
        }
        List<SqlStatement> statements;
        try {
            statements = Lint.lint(text).statements();
        } catch (ApiException e) {
            q.error("cannot be read: " + e.getMessage());
            return null;
        }
        if (statements.size() != 1) {
            q.error("must be exactly one statement, not " + statements.size());
            return null;
        }
        String kind = statements.get(0).kind() == null ? "" : statements.get(0).kind().toUpperCase(Locale.ROOT);
        if (QUERY_KINDS.stream().noneMatch(kind::startsWith)) {
            q.error("must be a SELECT, INSERT, UPDATE, DELETE, WITH, VALUES, TABLE or MERGE query, not " + kind);
            return null;
        }
        return statements.get(0).sql();
    }
}
