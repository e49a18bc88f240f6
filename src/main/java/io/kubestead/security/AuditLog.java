package io.kubestead.security;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;

/** The security audit trail: sign-ins, tokens, users, role changes. Append-only, queryable like release history. */
@ApplicationScoped
public class AuditLog {

    public record Entry(long id, java.time.Instant at, String actor, String action, String subject, String outcome,
            String client, Map<String, Object> details) {
    }

    @Inject
    Clock clock;

    /** Writes in the caller's transaction: the change and its audit event commit together. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String actor, String action, String subject, String outcome, String client,
            Map<String, Object> details) {
        AuditEvent e = new AuditEvent();
        e.at = clock.instant();
        e.actor = actor;
        e.action = action;
        e.subject = subject;
        e.outcome = outcome;
        e.client = client;
        e.details = details == null || details.isEmpty() ? null : details;
        e.persist();
    }

    @Transactional
    public Page<Entry> list(String action, String actor, PageRequest page) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new java.util.HashMap<>();
        if (action != null && !action.isBlank()) {
            where.append(" and action = :action");
            params.put("action", action);
        }
        if (actor != null && !actor.isBlank()) {
            where.append(" and actor = :actor");
            params.put("actor", actor);
        }
        var query = AuditEvent.<AuditEvent>find(where + " order by id desc", params);
        long total = query.count();
        var items = query.page(page.page(), page.size()).list().stream()
                .map(e -> new Entry(e.id, e.at, e.actor, e.action, e.subject, e.outcome, e.client, e.details)).toList();
        return new Page<>(items, page.page(), page.size(), total);
    }
}
