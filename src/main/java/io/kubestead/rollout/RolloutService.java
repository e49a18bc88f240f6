package io.kubestead.rollout;

import io.kubestead.security.Caller;
import io.kubestead.security.Permission;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;
import io.kubestead.common.Names;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.common.Paths;
import io.kubestead.common.Stored;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.rollout.spec.RolloutSpecParser;
import io.kubestead.rollout.spec.Step;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;
import io.quarkus.panache.common.Sort;

/** Rollout plans and their revisions. */
@ApplicationScoped
public class RolloutService {

    @Inject
    Clock clock;

    @Inject
    TemplateService templates;

    @Inject
    io.kubestead.kube.ClusterInfo cluster;

    @Inject
    io.kubestead.kube.NamespacePolicy namespaces;

    private final Map<String, RolloutSpec> specs = new java.util.concurrent.ConcurrentHashMap<>();

    /** Stores a spec; a changed spec makes a new revision, an identical one changes nothing. */
    @Transactional
    public Stored<RolloutView> put(String name, byte[] body, String contentType, Caller caller) {
        Names.requireLabel("name", name);
        RolloutSpec spec = RolloutSpecParser.parse(Documents.read(body, contentType));
        namespaces.require("target.namespace", namespaceOf(spec));
        caller.require(Permission.CONFIGURE, namespaceOf(spec));
        if (!spec.name().equals(name)) {
            throw ApiException.invalid("name", "is " + Names.quote(spec.name()) + " but the address names "
                    + Names.quote(name) + "; they must agree");
        }
        Instant now = clock.instant();
        Rollout rollout = Rollout.findById(name, LockModeType.PESSIMISTIC_WRITE);
        boolean created = false;
        if (rollout == null) {
            rollout = new Rollout();
            rollout.name = name;
            rollout.currentRevision = 0;
            rollout.createdAt = now;
            created = true;
        } else if (rollout.deletedAt == null && spec.equals(spec(revision(name, rollout.currentRevision)))) {
            return new Stored<>(view(rollout, spec), false, false);
        } else if (rollout.deletedAt == null) {
            // moving a rollout to another namespace needs the right in the one it leaves too
            caller.require(Permission.CONFIGURE, namespaceOf(spec(name, rollout.currentRevision)));
        } else if (rollout.deletedAt != null) {
            created = true;
            rollout.deletedAt = null;
        }
        rollout.currentRevision++;
        rollout.updatedAt = now;
        rollout.persist();
        RolloutRevision revision = new RolloutRevision();
        revision.rolloutName = name;
        revision.revision = rollout.currentRevision;
        revision.spec = RolloutSpecParser.toDocument(spec);
        revision.createdAt = now;
        revision.persist();
        return new Stored<>(view(rollout, spec), created, true);
    }

    public RolloutView get(String name) {
        Rollout rollout = require(name);
        return view(rollout, spec(revision(name, rollout.currentRevision)));
    }

    public Page<RolloutView.Summary> list(PageRequest page) {
        var query = Rollout.<Rollout>find("deletedAt is null", Sort.by("name")).page(page.page(), page.size());
        return new Page<>(query.list().stream().map(r -> new RolloutView.Summary(r.name, r.currentRevision, r.updatedAt))
                .toList(), page.page(), page.size(), query.count());
    }

    public Page<RolloutView.RevisionSummary> revisions(String name, PageRequest page) {
        require(name);
        var query = RolloutRevision.<RolloutRevision>find("rolloutName", Sort.by("revision").descending(), name);
        long total = query.count();
        return new Page<>(query.page(page.page(), page.size()).list().stream()
                .map(r -> new RolloutView.RevisionSummary(r.revision, r.createdAt)).toList(), page.page(), page.size(), total);
    }

    public List<RolloutView.RevisionSummary> revisions(String name) {
        require(name);
        return RolloutRevision.<RolloutRevision>find("rolloutName", Sort.by("revision").descending(), name).stream()
                .map(r -> new RolloutView.RevisionSummary(r.revision, r.createdAt)).toList();
    }

    public RolloutView.Revision revision(String name, String number) {
        require(name);
        int n;
        try {
            n = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("Rollout " + Names.quote(name) + " has no revision " + Names.quote(number) + ".");
        }
        RolloutRevision r = RolloutRevision.find("rolloutName = ?1 and revision = ?2", name, n).firstResult();
        if (r == null) {
            throw ApiException.notFound("Rollout " + Names.quote(name) + " has no revision " + n + ".");
        }
        return new RolloutView.Revision(name, r.revision, r.createdAt, r.spec);
    }

    @Inject
    RolloutReleases releases;

    /** Hides a rollout; its releases and their history stay. Refused while a release of it is running. */
    @Transactional
    public void delete(String name, Caller caller) {
        Rollout rollout = Rollout.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (rollout == null || rollout.deletedAt != null) {
            throw notFound(name);
        }
        caller.require(Permission.CONFIGURE, namespaceOf(spec(name, rollout.currentRevision)));
        java.util.Optional<String> active = releases.unfinished(name);
        if (active.isPresent()) {
            throw ApiException.conflict("Rollout " + Names.quote(name) + " has an unfinished release (" + active.get()
                    + "); abort it or let it finish before deleting the rollout.");
        }
        rollout.deletedAt = clock.instant();
        rollout.updatedAt = rollout.deletedAt;
    }

    /** The namespace a rollout's releases act in: its target's, else the configured default. */
    public String namespaceOf(RolloutSpec spec) {
        return spec.target() != null && spec.target().namespace() != null ? spec.target().namespace()
                : cluster.defaultNamespace();
    }

    /** The namespace of a rollout (deleted ones too, by their last revision); the default for an unknown name. */
    public String namespaceOf(String rolloutName) {
        RolloutSpec spec = currentSpec(rolloutName);
        return spec == null ? cluster.defaultNamespace() : namespaceOf(spec);
    }

    /** A rollout's spec at its last revision (deleted rollouts too), or null for an unknown name. */
    public RolloutSpec currentSpec(String rolloutName) {
        Rollout rollout = rolloutName == null ? null : Rollout.findById(rolloutName);
        return rollout == null || rollout.currentRevision == 0 ? null : spec(rolloutName, rollout.currentRevision);
    }

    /** The spec of a rollout at a revision. Revisions never change, so they are cached once read. */
    public RolloutSpec spec(String name, int revision) {
        String key = name + "@" + revision;
        RolloutSpec spec = specs.get(key);
        if (spec == null) {
            RolloutRevision r = revision(name, revision);
            if (r == null) {
                throw ApiException.notFound("Rollout " + Names.quote(name) + " has no revision " + revision + ".");
            }
            spec = spec(r);
            if (specs.size() > 10_000) {
                specs.clear();
            }
            specs.put(key, spec);
        }
        return spec;
    }

    /** Locks a live rollout's row for the rest of the transaction; releases are created under this lock. */
    public Rollout lockLive(String name) {
        Rollout rollout = Rollout.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (rollout == null || rollout.deletedAt != null) {
            throw notFound(name);
        }
        return rollout;
    }

    private Rollout require(String name) {
        Rollout rollout = Rollout.findById(name);
        if (rollout == null || rollout.deletedAt != null) {
            throw notFound(name);
        }
        return rollout;
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("There is no rollout named " + Names.quote(name) + ".");
    }

    private static RolloutRevision revision(String name, int revision) {
        return RolloutRevision.find("rolloutName = ?1 and revision = ?2", name, revision).firstResult();
    }

    private static RolloutSpec spec(RolloutRevision r) {
        return RolloutSpecParser.parse(r.spec);
    }

    @SuppressWarnings("unchecked")
    private RolloutView view(Rollout rollout, RolloutSpec spec) {
        Map<String, Object> document = RolloutSpecParser.toDocument(spec);
        return new RolloutView(rollout.name, rollout.currentRevision, rollout.createdAt, rollout.updatedAt,
                (Map<String, Object>) document.get("rollout"), warnings(spec));
    }

    /** References to templates that do not exist (yet): allowed, since order of creation is free, but said. */
    private List<String> warnings(RolloutSpec spec) {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < spec.preDeployHooks().size(); i++) {
            String t = spec.preDeployHooks().get(i).jobTemplate();
            if (!templates.exists(TemplateKind.JOB, t)) {
                warnings.add(new FieldError(Paths.index("preDeployHooks", i) + ".jobTemplate",
                        "there is no job template " + Names.quote(t) + " yet").toString());
            }
        }
        for (int i = 0; i < spec.canarySteps().size(); i++) {
            if (spec.canarySteps().get(i) instanceof Step.Analysis a && !templates.exists(TemplateKind.ANALYSIS, a.template())) {
                warnings.add(new FieldError(Paths.index("canarySteps", i) + ".analysis.template",
                        "there is no analysis template " + Names.quote(a.template()) + " yet").toString());
            }
        }
        return warnings;
    }
}
