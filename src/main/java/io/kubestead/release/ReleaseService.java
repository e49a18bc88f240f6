package io.kubestead.release;

import io.kubestead.security.Caller;
import io.kubestead.security.Permission;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;
import io.kubestead.common.Names;
import io.kubestead.common.Node;
import io.kubestead.common.Page;
import io.kubestead.rollout.Rollout;
import io.kubestead.rollout.RolloutService;
import io.kubestead.common.PageRequest;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Releases and their history. Every state change goes through {@link #record}, with its event. */
@ApplicationScoped
public class ReleaseService implements io.kubestead.rollout.RolloutReleases {

    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    /** A container image reference: registry/name[:tag][@digest], no spaces or control characters. */
    static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?");

    @Inject
    Clock clock;

    @Inject
    RolloutService rollouts;

    @Inject
    jakarta.enterprise.event.Event<ReleaseChanged> changed;

    /** @param overrideReason an admin's reason to start although a hook's schema check is blocked, or null */
    public record NewRelease(String version, String image, String overrideReason) {

        public NewRelease(String version, String image) {
            this(version, image, null);
        }
    }

    /** Reads and checks a create-release body: {"version": "...", "image": "...", "override"?: {"reason": "..."}}. */
    public static NewRelease parseNew(byte[] body, String contentType) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType), errors);
        String version = null;
        String image = null;
        String override = null;
        if (root.expectMap()) {
            version = root.string("version", true, 128);
            if (version != null && !VERSION.matcher(version).matches()) {
                root.error("version", Node.quote(version) + " is not a version: letters, digits and ._+- only");
            }
            image = root.string("image", true, 512);
            if (image != null && !IMAGE.matcher(image).matches()) {
                root.error("image", Node.quote(image) + " is not a container image reference like "
                        + "registry.example.com/team/app:1.2.3");
            }
            override = io.kubestead.check.Overrides.reason(root);
            root.finish();
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new NewRelease(version, image, override);
    }

    /** Starts a release of the rollout's current revision, in Pending, with its first event. */
    @Transactional
    public ReleaseView create(String rolloutName, NewRelease request, Caller caller) {
        return create(rolloutName, request, caller, null, null);
    }

    /** The same, as one phase of a pipeline (its schema change runs before its hooks). */
    @Transactional
    public ReleaseView create(String rolloutName, NewRelease request, Caller caller, String pipeline, String phase) {
        Rollout rollout = rollouts.lockLive(rolloutName);
        caller.require(Permission.RELEASE_START, rollouts.namespaceOf(rollouts.spec(rolloutName, rollout.currentRevision)));
        String actor = caller.actor();
        Release active = unfinishedOf(rolloutName).orElse(null);
        if (active != null) {
            throw ApiException.conflict("Rollout " + Names.quote(rolloutName) + " already has a release in progress: "
                    + active.id + " (" + active.version + ", " + active.state + "). Abort it or let it finish first.");
        }
        Instant now = clock.instant();
        Release r = new Release();
        r.rolloutName = rolloutName;
        r.revision = rollout.currentRevision;
        r.version = request.version();
        r.image = request.image();
        r.state = ReleaseState.Pending;
        r.currentStep = 0;
        r.createdAt = now;
        r.updatedAt = now;
        r.dueAt = now;
        r.pipelineName = pipeline;
        r.pipelinePhase = phase;
        r.startedBy = caller.user();
        r.persist();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", r.version);
        details.put("image", r.image);
        details.put("revision", r.revision);
        store(event(r, "Created", null, ReleaseState.Pending, actor, null, details, now));
        return view(r);
    }

    /**
     * Moves a release to a state and appends the event that says so, in the caller's transaction: the change
     * and its history commit together or not at all.
     */
    public ReleaseEvent record(Release r, String type, ReleaseState to, String actor, String reason,
            Map<String, Object> details) {
        return store(transition(r, type, to, actor, reason, details));
    }

    /** Appends an event that does not change the state (a warning, a measurement, a step done). */
    public ReleaseEvent note(Release r, String type, String actor, String reason, Map<String, Object> details) {
        return store(remark(r, type, actor, reason, details));
    }

    /**
     * Moves a release (the engine's working copy, outside any transaction) to a state and returns the event that
     * says so, not yet stored: the engine stores it with the release's new state when its move commits.
     */
    public ReleaseEvent transition(Release r, String type, ReleaseState to, String actor, String reason,
            Map<String, Object> details) {
        Instant now = clock.instant();
        ReleaseState from = r.state;
        r.state = to;
        r.updatedAt = now;
        if (!to.active() && r.finishedAt == null) {
            r.finishedAt = now;
        } else if (to.active()) {
            r.finishedAt = null;
        }
        return event(r, type, from, to, actor, reason, details, now);
    }

    /** An event that does not change the state, not yet stored. */
    public ReleaseEvent remark(Release r, String type, String actor, String reason, Map<String, Object> details) {
        return event(r, type, r.state, r.state, actor, reason, details, clock.instant());
    }

    /** Stores an event in the caller's transaction; the engines learn of it when that commits. */
    public ReleaseEvent store(ReleaseEvent e) {
        e.persist();
        changed.fire(new ReleaseChanged(e.releaseId, e.type, e.toState, e.id, e.fromState));
        return e;
    }

    private static ReleaseEvent event(Release r, String type, ReleaseState from, ReleaseState to, String actor,
            String reason, Map<String, Object> details, Instant at) {
        ReleaseEvent e = new ReleaseEvent();
        e.releaseId = r.id;
        e.type = type;
        e.fromState = from;
        e.toState = to;
        e.actor = actor;
        e.reason = reason;
        e.details = details == null || details.isEmpty() ? null : details;
        e.at = at;
        return e;
    }

    /** The latest release of each phase of the given pipelines, in one query: pipeline → phase → release. */
    public Map<String, Map<String, ReleaseBrief>> byPipelinePhase(List<String> pipelines) {
        Map<String, Map<String, ReleaseBrief>> out = new java.util.HashMap<>();
        if (pipelines.isEmpty()) {
            return out;
        }
        for (ReleaseBrief r : Release.getEntityManager().createQuery(ReleaseBrief.SELECT
                + "where r.pipelineName in ?1 order by r.id", ReleaseBrief.class).setParameter(1, pipelines).getResultList()) {
            out.computeIfAbsent(r.pipeline(), k -> new java.util.HashMap<>()).put(r.phase(), r);
        }
        return out;
    }

    /** Releases active now or finished since {@code since}, newest first, at most {@code max}. */
    public List<ReleaseBrief> recent(Instant since, int max) {
        return Release.getEntityManager().createQuery(ReleaseBrief.SELECT + "where r.state in ?1 or r.finishedAt > ?2 "
                + "order by r.id desc", ReleaseBrief.class).setParameter(1, ReleaseState.ACTIVE).setParameter(2, since)
                .setMaxResults(max).getResultList();
    }

    /**
     * Makes a release that waits on the cluster due now (a Job it waits for changed). A release under an engine move
     * is made due too: the move's commit keeps the earlier time. True when it changed anything.
     */
    @Transactional
    public boolean nudge(long id) {
        Instant now = clock.instant();
        return Release.getEntityManager().createNativeQuery("update release set due_at = ?1 where id = ?2 and "
                + "(due_at > ?1 or claimed_by is not null) and state in ('RunningHooks', 'Progressing') and requested_action is null")
                .setParameter(1, now).setParameter(2, id).executeUpdate() > 0;
    }

    @Override
    public java.util.Optional<String> unfinished(String rollout) {
        return unfinishedOf(rollout).map(r -> r.id + ", " + r.state);
    }

    /** The release of a rollout that is running now, if any. */
    public java.util.Optional<ReleaseView> active(String rollout) {
        return unfinishedOf(rollout).map(this::view);
    }

    /** The release of a rollout that has not finished (there is at most one). */
    private static java.util.Optional<Release> unfinishedOf(String rollout) {
        return Release.<Release>find("rolloutName = ?1 and state in ?2", rollout, ReleaseState.ACTIVE).firstResultOptional();
    }

    public ReleaseView get(String id) {
        return view(require(id));
    }

    public Release require(String id) {
        return require(id, jakarta.persistence.LockModeType.NONE);
    }

    /** The release, its row locked for the rest of the transaction (read fresh under the lock). */
    public Release requireLocked(String id) {
        return require(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    private Release require(String id, jakarta.persistence.LockModeType lock) {
        Release r = null;
        try {
            r = Release.findById(Long.parseLong(id), lock);
        } catch (NumberFormatException e) {
            // not a release id: same answer as an unknown one
        }
        if (r == null) {
            throw ApiException.notFound("There is no release " + Names.quote(id) + ".");
        }
        return r;
    }

    public Page<ReleaseView> list(String rollout, String state, PageRequest page) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (rollout != null && !rollout.isBlank()) {
            q.append(" and rolloutName = :rollout");
            params.and("rollout", rollout);
        }
        if (state != null && !state.isBlank()) {
            ReleaseState s = ReleaseState.parse(state);
            if (s == null) {
                throw ApiException.invalid("state", Names.quote(state) + " is not a release state; one of "
                        + List.of(ReleaseState.values()));
            }
            q.append(" and state = :state");
            params.and("state", s);
        }
        var query = Release.<Release>find(q.toString(), Sort.by("id").descending(), params).page(page.page(), page.size());
        return new Page<>(query.list().stream().map(this::view).toList(), page.page(), page.size(), query.count());
    }

    public Page<ReleaseView.Event> events(String id, PageRequest page) {
        Release r = require(id);
        var query = ReleaseEvent.<ReleaseEvent>find("releaseId", Sort.by("id"), r.id).page(page.page(), page.size());
        return new Page<>(query.list().stream().map(ReleaseView.Event::of).toList(), page.page(), page.size(),
                query.count());
    }

    private ReleaseView view(Release r) {
        return ReleaseView.of(r, rollouts.spec(r.rolloutName, r.revision).canarySteps().size());
    }
}
