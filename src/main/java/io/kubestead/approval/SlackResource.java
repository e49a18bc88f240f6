package io.kubestead.approval;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.security.Allow;
import io.kubestead.security.Caller;
import io.kubestead.security.Permission;
import io.kubestead.security.UserService;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Slack's interactivity endpoint: a click on Approve or Reject. The request must carry Slack's signature over its
 * raw body with a fresh timestamp (401 otherwise, nothing changed). The Slack user must map to an enabled Kubestead
 * user who may approve; the decision is theirs, recorded as taken in Slack. Whatever the outcome, the clicker hears
 * back through the interaction's response_url (from the outbox): the message updated, or an ephemeral refusal.
 */
@Path("/api/v1/slack/interactions")
@Tag(name = "Slack")
public class SlackResource {

    @Inject
    SlackSettings settings;

    @Inject
    KubesteadConfig config;

    @Inject
    Clock clock;

    @Inject
    UserService users;

    @Inject
    ApprovalService approvals;

    @Inject
    Notifications notifications;

    /** The parts of a block_actions payload Kubestead reads. */
    record Click(String user, String action, String value, String responseUrl) {
    }

    @POST
    @Allow(Permission.PUBLIC)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Slack interactivity (signed by Slack): Approve and Reject buttons of approval requests")
    public Response interaction(byte[] body, @HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature) {
        String secret = settings.resolve().signingSecret().orElse(null);
        if (secret == null) {
            throw ApiException.notFound("Slack interactions are not set up here (kubestead.slack.signing-secret).");
        }
        String refusal = SlackSignature.refusal(secret, timestamp, signature, body == null ? new byte[0] : body,
                clock.instant(), config.slack().maxSkew());
        if (refusal != null) {
            throw new ApiException(401, "Unauthorized", "Not a request from Slack: " + refusal + ".", null);
        }
        Click click = parse(body);
        if (click == null) {
            // another kind of interaction (a shortcut, a view): acknowledged, nothing to do
            return Response.ok().build();
        }
        long approvalId;
        try {
            approvalId = Long.parseLong(click.value());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("The button's value is not an approval id.");
        }
        boolean approve = SlackMessages.APPROVE.equals(click.action());
        String key = "slack:" + approvalId + ":" + click.user() + ":";
        Caller caller = users.slackCaller(click.user());
        if (caller == null) {
            ephemeral(key + "unknown", click, "Kubestead does not know your Slack account, so it cannot take your decision."
                    + " Ask an admin to map it to your user (PUT /api/v1/users/{name}/slack).");
            return Response.ok().build();
        }
        try {
            approvals.decideById(approvalId, new ApprovalService.Decision(approve, approve ? null : "rejected in Slack"),
                    caller, ApprovalService.Via.SLACK, key + (approve ? "approve" : "reject"), click.responseUrl());
        } catch (ApiException e) {
            ephemeral(key + e.status(), click, e.getMessage());
        }
        return Response.ok().build();
    }

    private void ephemeral(String key, Click click, String text) {
        if (click.responseUrl() == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        body.put("text", text);
        QuarkusTransaction.requiringNew().run(() -> notifications.slackResponse(key, click.responseUrl(), body));
    }

    /** The click in a form-encoded {@code payload=<json>} body; null when it is not one of Kubestead's buttons. */
    @SuppressWarnings("unchecked")
    static Click parse(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        String json = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    json = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("payload", "is not form-encoded (a malformed %-escape)");
                }
            }
        }
        if (json == null) {
            throw ApiException.badRequest("A Slack interaction carries a form field 'payload'.");
        }
        Object doc = Documents.read(json.getBytes(StandardCharsets.UTF_8), "application/json");
        if (!(doc instanceof Map<?, ?> p) || !"block_actions".equals(p.get("type"))) {
            return null;
        }
        Object user = p.get("user") instanceof Map<?, ?> u ? u.get("id") : null;
        Object actions = p.get("actions");
        if (!(user instanceof String userId) || !(actions instanceof List<?> list) || list.isEmpty()
                || !(list.get(0) instanceof Map<?, ?> action)) {
            return null;
        }
        Object id = action.get("action_id");
        if (!SlackMessages.APPROVE.equals(id) && !SlackMessages.REJECT.equals(id)) {
            return null;
        }
        Object url = p.get("response_url");
        return new Click(userId, (String) id, String.valueOf(action.get("value")), url instanceof String s ? s : null);
    }
}
