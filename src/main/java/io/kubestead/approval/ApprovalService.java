package io.kubestead.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.Exceptions;
import io.kubestead.common.FieldError;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Names;
import io.kubestead.common.Node;
import io.kubestead.release.Release;
import io.kubestead.release.ReleaseActions;
import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseState;
import io.kubestead.rollout.spec.ApprovalPolicy;
import io.kubestead.security.Binding;
import io.kubestead.security.Caller;
import io.kubestead.security.Permission;
import io.kubestead.security.Role;

/**
 * Approval requests and the decisions people take on them. A decision on a release's approval step takes the
 * release's row lock first (the one lock order: release, then approval), stores the decision and the event that
 * shows it in the release's history, and — once enough approvers agreed, or one rejected — moves the release on or
 * asks for its abort, all in one transaction. A pipeline phase's approval is a gate: it blocks or opens the start.
 */
@ApplicationScoped
public class ApprovalService {

    public enum Via {
        CONSOLE, API, SLACK;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Decision(boolean approve, String comment) {
        public String text() {
            return approve ? "approve" : "reject";
        }
    }

    /** What a decision did: the approval as it is now, and whether it settled it. */
    public record Outcome(ApprovalView approval, boolean settled) {
    }

    @Inject
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    KubesteadConfig config;

    @Inject
    ReleaseService releases;

    @Inject
    ReleaseActions actions;

    @Inject
    Notifications notifications;

    /** Reads a decision body: {"decision": "approve" | "reject", "comment": "...", "phase": "..."}. */
    public static Decision parseDecision(byte[] body, String contentType, List<String> extra, Map<String, String> out) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType == null ? "application/json" : contentType), errors);
        Decision d = null;
        if (root.expectMap()) {
            String decision = root.string("decision", true, 10);
            String comment = root.string("comment", false, 1000);
            for (String key : extra) {
                String v = root.string(key, false, 63);
                if (v != null) {
                    out.put(key, v);
                }
            }
            if (decision != null && !decision.equals("approve") && !decision.equals("reject")) {
                root.error("decision", Node.quote(decision) + " is not approve or reject");
            }
            root.finish();
            if (decision != null) {
                d = new Decision("approve".equals(decision), comment == null || comment.isBlank() ? null : comment.trim());
            }
        }
        if (!errors.isEmpty() || d == null) {
            throw ApiException.invalid(errors.isEmpty() ? List.of(new FieldError("decision", "is required")) : errors);
        }
        return d;
    }

    // ---- requests

    /** Opens the approval of a release's step (again, after it expired), in the engine's commit. */
    public Approval openForStep(Release r, int step, ApprovalPolicy policy, String namespace, Instant expires) {
        Approval a = Approval.<Approval>find("releaseId = ?1 and attempt = ?2 and step = ?3", r.id, r.attempt, step)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (a == null) {
            a = new Approval();
            a.releaseId = r.id;
            a.attempt = r.attempt;
            a.step = step;
        }
        return open(a, r.rolloutName, namespace, r.startedBy, policy, expires);
    }

    /** Opens the approval a pipeline phase needs before it starts (once per phase). */
    public void openForPhase(String pipeline, String phase, String rollout, String namespace, String requester,
            ApprovalPolicy policy) {
        if (Approval.count("pipelineName = ?1 and phase = ?2", pipeline, phase) > 0) {
            return;
        }
        Approval a = new Approval();
        a.pipelineName = pipeline;
        a.phase = phase;
        open(a, rollout, namespace, requester, policy, clock.instant().plus(policy.timeout()));
        notifications.approvalRequested(a);
    }

    private Approval open(Approval a, String rollout, String namespace, String requester, ApprovalPolicy policy,
            Instant expires) {
        a.rolloutName = rollout;
        a.namespace = namespace;
        a.requester = requester;
        a.policy = policy.document();
        a.state = Approval.PENDING;
        a.requestedAt = clock.instant();
        a.expiresAt = expires;
        a.decidedAt = null;
        a.outcome = null;
        a.persist();
        em.flush();
        return a;
    }

    /** The engine found a step's approval expired (in its commit, under the release's lock). */
    public void expireStep(long releaseId, int attempt, int step, String why) {
        Approval a = Approval.<Approval>find("releaseId = ?1 and attempt = ?2 and step = ?3", releaseId, attempt, step)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (a != null && Approval.PENDING.equals(a.state)) {
            settle(a, Approval.EXPIRED, why);
        }
    }

    /** A release's open approval ends with it (aborted, failed, retried): nobody is asked any more. */
    void cancelOpen(long releaseId, String why) {
        for (Approval a : Approval.<Approval>list("releaseId = ?1 and state = ?2", releaseId, Approval.PENDING)) {
            settle(a, Approval.CANCELLED, why);
        }
    }

    private void settle(Approval a, String state, String outcome) {
        a.state = state;
        a.decidedAt = clock.instant();
        a.outcome = outcome;
        notifications.approvalSettled(a);
    }

    /** Gate approvals nobody decided in time become Expired (each in its own short transaction); how many. */
    public int expireDueGates() {
        int n = 0;
        while (io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            Approval a = Approval.<Approval>find("pipelineName is not null and state = ?1 and expiresAt <= ?2 order by expiresAt",
                    Approval.PENDING, clock.instant()).withLock(LockModeType.PESSIMISTIC_WRITE)
                    .withHint("jakarta.persistence.lock.timeout", -2).firstResult();
            if (a == null) {
                return false;
            }
            settle(a, Approval.EXPIRED, "nobody decided within " + io.kubestead.common.Durations.format(a.policy().timeout())
                    + " (" + a.policy().describe() + ")");
            return true;
        })) {
            n++;
        }
        return n;
    }

    /** Expired gate approvals whose onTimeout abort has not been carried out yet. */
    @Transactional
    public List<Approval> gateConsequencesDue() {
        return Approval.<Approval>list("pipelineName is not null and state = ?1 and consequenceDone = false", Approval.EXPIRED)
                .stream().filter(a -> a.policy().onTimeout() == ApprovalPolicy.OnTimeout.ABORT).toList();
    }

    /** The pipeline did what the expired approval's onTimeout asked for (in its transaction). */
    public void consequenceDone(long approvalId) {
        Approval a = Approval.findById(approvalId, LockModeType.PESSIMISTIC_WRITE);
        if (a != null) {
            a.consequenceDone = true;
        }
    }

    /** The approvals of a pipeline's phases, for its gates: phase → state and why. */
    public Map<String, ApprovalView> ofPipeline(String pipeline) {
        return ofPipeline(pipeline, null);
    }

    /** The approvals of a pipeline's phases, by phase, each saying whether {@code caller} may decide it (for its page). */
    @Transactional
    public Map<String, ApprovalView> ofPipeline(String pipeline, Caller caller) {
        Map<String, ApprovalView> out = new LinkedHashMap<>();
        for (Approval a : Approval.<Approval>list("pipelineName", pipeline)) {
            out.put(a.phase, view(a, caller));
        }
        return out;
    }

    // ---- decisions

    /** A decision on the approval a release waits for now. */
    @Transactional
    public Outcome decideRelease(String releaseId, Decision d, Caller caller, Via via) {
        Release r = releases.requireLocked(releaseId);
        Approval a = waitingOf(r);
        if (a == null) {
            throw ApiException.conflict("Release " + r.id + " does not wait for an approval: it is " + r.state
                    + (r.pauseKind == null ? "" : " (" + r.pauseKind + ")") + ".");
        }
        return decide(r, a, d, caller, via);
    }

    /** A decision on a pipeline's pending approval (of {@code phase}, or the only pending one). */
    @Transactional
    public Outcome decidePipeline(String pipeline, String phase, Decision d, Caller caller, Via via) {
        List<Approval> pending = Approval.<Approval>find("pipelineName = ?1 and state = ?2" + (phase == null ? "" : " and phase = ?3")
                + " order by id", phase == null ? new Object[] { pipeline, Approval.PENDING }
                        : new Object[] { pipeline, Approval.PENDING, phase })
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
        if (pending.isEmpty()) {
            throw ApiException.conflict("Pipeline " + Names.quote(pipeline) + " has no approval waiting"
                    + (phase == null ? "" : " for its " + phase + " phase") + ".");
        }
        return decide(null, pending.get(0), d, caller, via);
    }

    /**
     * A decision on one approval by its id (a Slack button names it); the interaction's message is updated through
     * its response_url (from the outbox, once per {@code key}) in the same transaction.
     */
    @Transactional
    public Outcome decideById(long approvalId, Decision d, Caller caller, Via via, String key, String responseUrl) {
        Outcome o = decideById(approvalId, d, caller, via);
        if (responseUrl != null) {
            notifications.slackUpdate(Approval.findById(approvalId), key, responseUrl);
        }
        return o;
    }

    private Outcome decideById(long approvalId, Decision d, Caller caller, Via via) {
        Approval a = Approval.findById(approvalId);
        if (a == null) {
            throw ApiException.notFound("There is no approval " + approvalId + ".");
        }
        if (a.releaseId != null) {
            Release r = releases.requireLocked(String.valueOf(a.releaseId));
            Approval now = waitingOf(r);
            if (now == null || !now.id.equals(a.id)) {
                em.refresh(a);
                throw ApiException.conflict("This approval (" + a.subject() + ") is " + a.state
                        + (a.outcome == null ? "" : ": " + a.outcome) + "; it waits for nobody now.");
            }
            return decide(r, now, d, caller, via);
        }
        em.refresh(a, LockModeType.PESSIMISTIC_WRITE);
        return decide(null, a, d, caller, via);
    }

    private Approval waitingOf(Release r) {
        if (r.state != ReleaseState.Paused || !ReleaseActions.APPROVAL.equals(r.pauseKind) || r.requestedAction != null) {
            return null;
        }
        return Approval.<Approval>find("releaseId = ?1 and attempt = ?2 and step = ?3 and state = ?4", r.id, r.attempt,
                r.currentStep, Approval.PENDING).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    private Outcome decide(Release r, Approval a, Decision d, Caller caller, Via via) {
        Instant now = clock.instant();
        if (!Approval.PENDING.equals(a.state)) {
            throw ApiException.conflict("This approval (" + a.subject() + ") is " + a.state
                    + (a.outcome == null ? "" : ": " + a.outcome) + ".");
        }
        if (!now.isBefore(a.expiresAt)) {
            throw ApiException.conflict("This approval (" + a.subject() + ") expired at " + a.expiresAt + ".");
        }
        caller.require(Permission.APPROVE, a.namespace);
        ApprovalPolicy policy = a.policy();
        if (caller.user() == null || !isApprover(policy, caller, a.namespace)) {
            throw new ApiException(403, "Forbidden", caller.actor() + " is not one of the approvers of " + a.subject()
                    + ": " + policy.describe() + ".", null);
        }
        ApprovalDecision prior = ApprovalDecision.find("approvalId = ?1 and userName = ?2", a.id, caller.user()).firstResult();
        if (prior != null) {
            throw ApiException.conflict(caller.actor() + " already decided on " + a.subject() + " (" + prior.decision
                    + ", " + prior.via + ", at " + prior.at + ").");
        }
        ApprovalDecision dec = new ApprovalDecision();
        dec.approvalId = a.id;
        dec.userName = caller.user();
        dec.actor = caller.actor();
        dec.via = via.text();
        dec.decision = d.text();
        dec.comment = d.comment();
        dec.at = now;
        dec.persist();
        try {
            em.flush();
        } catch (PersistenceException e) {
            if ("23505".equals(Exceptions.sqlState(e))) {
                throw ApiException.conflict(caller.actor() + " already decided on " + a.subject() + ".");
            }
            throw e;
        }
        List<ApprovalDecision> all = ApprovalDecision.list("approvalId = ?1 order by id", a.id);
        long approvals = all.stream().filter(x -> "approve".equals(x.decision)).count();
        boolean fourEyesMet = !config.approval().fourEyes() || a.requester == null
                || all.stream().anyMatch(x -> "approve".equals(x.decision) && !x.userName.equals(a.requester));
        String settledAs = !d.approve() ? Approval.REJECTED
                : approvals >= policy.minApprovals() && fourEyesMet ? Approval.APPROVED : null;
        String why = settledAs == null ? null
                : Approval.REJECTED.equals(settledAs) ? "rejected by " + caller.actor() + (d.comment() == null ? "" : ": " + d.comment())
                : "approved by " + String.join(", ", all.stream().filter(x -> "approve".equals(x.decision)).map(x -> x.actor).toList());
        if (r != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("approval", a.id);
            details.put("step", a.step);
            details.put("decision", d.text());
            details.put("via", via.text());
            details.put("approvals", approvals);
            details.put("needed", policy.minApprovals());
            if (settledAs == null && d.approve()) {
                details.put("waitingFor", waitingFor(policy, approvals, fourEyesMet));
            }
            releases.note(r, "ApprovalDecided", caller.actor(), d.comment(), details);
        }
        if (settledAs != null) {
            settle(a, settledAs, why);
            if (r != null && Approval.APPROVED.equals(settledAs)) {
                actions.approvalGiven(r, caller.actor(), why);
            } else if (r != null) {
                actions.approvalRejected(r, caller.actor(), why);
            }
        } else {
            notifications.approvalProgress(a, dec);
        }
        return new Outcome(view(a, caller), settledAs != null);
    }

    private static String waitingFor(ApprovalPolicy policy, long approvals, boolean fourEyesMet) {
        if (approvals < policy.minApprovals()) {
            return (policy.minApprovals() - approvals) + " more approval" + (policy.minApprovals() - approvals == 1 ? "" : "s");
        }
        return fourEyesMet ? "nothing" : "an approval by someone other than the requester (four eyes)";
    }

    /** Whether the caller is one of the policy's approvers (the APPROVE permission in the namespace is checked apart). */
    boolean isApprover(ApprovalPolicy policy, Caller caller, String namespace) {
        if (policy.approvers().isEmpty()) {
            return true;
        }
        for (String entry : policy.approvers()) {
            if (entry.startsWith("role:")) {
                Role role = Role.valueOf(entry.substring(5));
                for (Binding b : caller.bindings()) {
                    if (b.role().includes(role) && (b.namespace() == null || b.namespace().equals(namespace))) {
                        return true;
                    }
                }
            } else if (entry.startsWith("group:")) {
                if (config.approval().groups().getOrDefault(entry.substring(6), List.of()).contains(caller.user())) {
                    return true;
                }
            } else if ((entry.startsWith("user:") ? entry.substring(5) : entry).equals(caller.user())) {
                return true;
            }
        }
        return false;
    }

    // ---- reads

    /**
     * Approvals in a state, newest first; {@code pending} lists only what waits on the caller: open, not expired, in
     * a namespace where they may approve, naming them, and not yet decided by them.
     */
    @Transactional
    public io.kubestead.common.Page<ApprovalView> list(String state, Caller caller, io.kubestead.common.PageRequest page) {
        String s = state == null || state.isBlank() ? "pending" : state;
        List<String> states = List.of("pending", "approved", "rejected", "expired", "cancelled", "all");
        if (!states.contains(s)) {
            throw ApiException.invalid("state", Node.quote(s) + " is not one of " + String.join(", ", states));
        }
        if (!"pending".equals(s)) {
            var q = "all".equals(s) ? Approval.<Approval>find("order by id desc")
                    : Approval.<Approval>find("state = ?1 order by id desc", Character.toUpperCase(s.charAt(0)) + s.substring(1));
            q.page(page.page(), page.size());
            return new io.kubestead.common.Page<>(q.list().stream().map(a -> view(a, caller)).toList(), page.page(),
                    page.size(), q.count());
        }
        List<ApprovalView> mine = new ArrayList<>();
        for (Approval a : Approval.<Approval>list("state = ?1 and expiresAt > ?2 order by expiresAt", Approval.PENDING,
                clock.instant())) {
            ApprovalView v = view(a, caller);
            if (v.canDecide()) {
                mine.add(v);
            }
        }
        return io.kubestead.common.Page.of(mine, page);
    }

    @Transactional
    public ApprovalView get(long id, Caller caller) {
        Approval a = Approval.findById(id);
        if (a == null) {
            throw ApiException.notFound("There is no approval " + id + ".");
        }
        return view(a, caller);
    }

    /** The approvals of a release (newest first), for its page. */
    @Transactional
    public List<ApprovalView> ofRelease(long releaseId, Caller caller) {
        return Approval.<Approval>list("releaseId = ?1 order by id desc", releaseId).stream().map(a -> view(a, caller)).toList();
    }

    ApprovalView view(Approval a, Caller caller) {
        List<ApprovalView.DecisionView> decisions = ApprovalDecision.<ApprovalDecision>list("approvalId = ?1 order by id", a.id)
                .stream().map(x -> new ApprovalView.DecisionView(x.actor, x.via, x.decision, x.comment, x.at)).toList();
        boolean can = false;
        if (caller != null && Approval.PENDING.equals(a.state) && clock.instant().isBefore(a.expiresAt) && caller.user() != null) {
            ApprovalPolicy p = a.policy();
            can = caller.can(Permission.APPROVE, a.namespace) && isApprover(p, caller, a.namespace)
                    && decisions.stream().noneMatch(x -> x.actor().equals(caller.actor()))
                    && ApprovalDecision.count("approvalId = ?1 and userName = ?2", a.id, caller.user()) == 0;
        }
        String version = null;
        if (a.releaseId != null) {
            Release r = Release.findById(a.releaseId);
            version = r == null ? null : r.version;
        }
        return new ApprovalView(a.id, a.state, a.subject(), a.rolloutName, a.namespace, a.releaseId, version, a.step,
                a.pipelineName, a.phase, a.policy, a.requester, a.requestedAt, a.expiresAt, a.decidedAt, a.outcome,
                decisions, can);
    }

    Optional<Approval> find(long id) {
        return Approval.findByIdOptional(id);
    }
}
