package io.kubestead.approval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Block Kit messages for notifications: a header line, what happened and why, the analysis so far, a console link,
 * and — for an approval that is still open — Approve and Reject buttons whose value is the approval's id.
 */
final class SlackMessages {

    static final String APPROVE = "kubestead-approve";
    static final String REJECT = "kubestead-reject";

    private SlackMessages() {
    }

    /** {text, blocks} for a notification's payload. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> render(Map<String, Object> p) {
        String kind = (String) p.get("kind");
        Map<String, Object> release = (Map<String, Object>) p.get("release");
        Map<String, Object> approval = (Map<String, Object>) p.get("approval");
        String subject = release != null
                ? p.get("rollout") + " " + release.get("version") + " (release " + release.get("id") + ")"
                : "pipeline " + p.get("pipeline") + " (" + p.get("rollout") + "), phase " + p.get("phase");
        String headline = switch (kind) {
            case "approval-requested" -> "Approval needed: " + subject;
            case "approval-decided" -> "Approval " + (approval == null ? "decided" : ((String) approval.get("state")).toLowerCase(java.util.Locale.ROOT)) + ": " + subject;
            case "paused" -> "Paused, waiting for a person: " + subject;
            case "aborted" -> "Aborted: " + subject;
            case "failed" -> "Failed: " + subject;
            case "promoted" -> "Promoted: " + subject;
            case "gate-blocked" -> "Gate blocked: " + subject;
            case "backfill-completed" -> "Backfill completed: " + subject;
            default -> kind + ": " + subject;
        };
        List<Object> blocks = new ArrayList<>();
        blocks.add(section("*" + escape(headline) + "*"));
        List<String> facts = new ArrayList<>();
        if (release != null) {
            facts.add("*Image:* `" + escape(String.valueOf(release.get("image"))) + "`");
            facts.add("*Step:* " + release.get("step") + " of " + release.get("steps") + ", canary weight " + release.get("weight") + "%");
        }
        if (p.get("reason") != null) {
            facts.add("*Why:* " + escape(String.valueOf(p.get("reason"))));
        }
        if (p.get("actor") != null && !"approval-requested".equals(kind)) {
            facts.add("*By:* " + escape(String.valueOf(p.get("actor"))));
        }
        if (approval != null) {
            facts.add("*Needs:* " + escape(String.valueOf(approval.get("describe"))) + " before "
                    + approval.get("expiresAt"));
            for (Map<String, Object> d : (List<Map<String, Object>>) approval.getOrDefault("decisions", List.of())) {
                facts.add(("approve".equals(d.get("decision")) ? "✅ approved by " : "⛔ rejected by ") + escape(String.valueOf(d.get("actor")))
                        + " (" + d.get("via") + ")" + (d.get("comment") == null ? "" : ": " + escape(String.valueOf(d.get("comment")))));
            }
            if (approval.get("outcome") != null && !"Pending".equals(approval.get("state"))) {
                facts.add("*" + approval.get("state") + ":* " + escape(String.valueOf(approval.get("outcome"))));
            }
        }
        List<Map<String, Object>> runs = (List<Map<String, Object>>) p.getOrDefault("analysis", List.of());
        if (!runs.isEmpty()) {
            StringBuilder a = new StringBuilder("*Analysis so far:*");
            for (Map<String, Object> run : runs) {
                a.append("\n• ").append(escape(String.valueOf(run.get("template")))).append(": ").append(run.get("status"))
                        .append(" (").append(run.get("measurements")).append(" measurements)");
            }
            facts.add(a.toString());
        }
        if (!facts.isEmpty()) {
            blocks.add(section(String.join("\n", facts)));
        }
        if (p.get("url") != null) {
            blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn",
                    "text", "<" + p.get("url") + "|Open in the Kubestead console>"))));
        }
        if (approval != null && "Pending".equals(approval.get("state")) && "approval-requested".equals(kind)) {
            String id = String.valueOf(approval.get("id"));
            blocks.add(Map.of("type", "actions", "block_id", "kubestead-approval-" + id, "elements", List.of(
                    button(APPROVE, "Approve", id, "primary"), button(REJECT, "Reject", id, "danger"))));
        }
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("text", headline);
        msg.put("blocks", blocks);
        return msg;
    }

    private static Map<String, Object> section(String mrkdwn) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn));
    }

    private static Map<String, Object> button(String actionId, String label, String value, String style) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "button");
        b.put("action_id", actionId);
        b.put("text", Map.of("type", "plain_text", "text", label));
        b.put("value", value);
        b.put("style", style);
        return b;
    }

    /** Slack's mrkdwn escapes: &, < and > (so no text of ours becomes a link or a mention). */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
