package io.kubestead.rollout.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.kubestead.common.Durations;
import io.kubestead.common.Node;

/**
 * Who must approve, how many of them, and what happens when nobody decides in time: the body of an approval step
 * ({@code approval: {...}}) and of a pipeline phase's approval gate. Approvers are users ({@code alice} or
 * {@code user:alice}), roles ({@code role:approver}: anyone whose binding in the namespace includes it) or groups
 * ({@code group:sre}, from kubestead.approval.groups); none listed: anyone who may approve in the namespace.
 */
public record ApprovalPolicy(List<String> approvers, int minApprovals, Duration timeout, OnTimeout onTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(4);
    public static final Duration MAX_TIMEOUT = Duration.ofDays(30);
    public static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);
    static final Pattern APPROVER = Pattern.compile("((user|role|group):)?[a-z0-9]([-a-z0-9._@]{0,98}[a-z0-9])?");
    static final List<String> ROLES = List.of("viewer", "operator", "approver", "admin");

    public enum OnTimeout {
        /** A step aborts its release; a gate aborts its pipeline. */
        ABORT,
        /** A step leaves its release paused (resume asks again); a gate stays unmet. */
        PAUSE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ApprovalPolicy {
        approvers = List.copyOf(approvers);
    }

    /** Reads an approval body at {@code a} (a mapping); null when it has errors (they are added to the node's list). */
    public static ApprovalPolicy parse(Node a) {
        if (!a.isNull() && !a.expectMap()) {
            return null;
        }
        List<String> approvers = new ArrayList<>();
        Integer min = 1;
        Duration timeout = DEFAULT_TIMEOUT;
        OnTimeout onTimeout = OnTimeout.ABORT;
        int before = a.errors().size();
        if (!a.isNull()) {
            List<Node> list = a.list("approvers", false);
            if (list.size() > 50) {
                a.error("approvers", "at most 50 approvers");
            }
            for (Node n : list) {
                Object v = n.value();
                if (!(v instanceof String s) || !APPROVER.matcher(s).matches()) {
                    n.error("must be a user name, role:<role> or group:<name>, not " + Node.describe(v));
                } else if (s.startsWith("role:") && !ROLES.contains(s.substring(5))) {
                    n.error(Node.quote(s) + " names no role; roles are " + String.join(", ", ROLES));
                } else if (!approvers.contains(s)) {
                    approvers.add(s);
                }
            }
            if (a.has("minApprovals")) {
                min = a.integer("minApprovals", true, 1, 10);
            }
            if (a.has("timeout")) {
                timeout = Durations.field(a, "timeout", true);
                if (timeout != null && (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)) {
                    a.error("timeout", "must be from 1m to 30d, not " + Durations.format(timeout));
                }
            }
            String t = a.string("onTimeout", false, 10);
            if (t != null) {
                onTimeout = switch (t) {
                    case "abort" -> OnTimeout.ABORT;
                    case "pause" -> OnTimeout.PAUSE;
                    default -> {
                        a.error("onTimeout", Node.quote(t) + " is not abort or pause");
                        yield null;
                    }
                };
            }
            a.finish();
        }
        if (a.errors().size() > before || min == null || timeout == null || onTimeout == null) {
            return null;
        }
        return new ApprovalPolicy(approvers, min, timeout, onTimeout);
    }

    /** The canonical document: parsing it gives the same policy. */
    public Map<String, Object> document() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approvers", approvers);
        m.put("minApprovals", minApprovals);
        m.put("timeout", Durations.format(timeout));
        m.put("onTimeout", onTimeout.text());
        return m;
    }

    /** Reads a stored document (written by {@link #document}). */
    public static ApprovalPolicy of(Map<String, Object> stored) {
        List<io.kubestead.common.FieldError> errors = new ArrayList<>();
        ApprovalPolicy p = parse(Node.root(stored, errors));
        if (p == null) {
            throw new IllegalStateException("stored approval policy is invalid: " + errors);
        }
        return p;
    }

    /** "2 approvals by role:approver, alice" — for messages. */
    public String describe() {
        String who = approvers.isEmpty() ? "anyone who may approve" : String.join(", ", approvers);
        return minApprovals + " approval" + (minApprovals == 1 ? "" : "s") + " by " + who;
    }
}
