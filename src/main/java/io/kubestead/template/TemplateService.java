package io.kubestead.template;

import io.kubestead.security.Caller;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.Names;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.common.Stored;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class TemplateService {

    @Inject
    Clock clock;

    @Inject
    PodPolicy pods;

    @Inject
    jakarta.enterprise.inject.Instance<TemplateRules> rules;

    /** The rules of a kind: job templates' own, or those the feature using the kind provides. */
    private TemplateRules rules(TemplateKind kind) {
        for (TemplateRules r : rules) {
            if (r.kind() == kind) {
                return r;
            }
        }
        throw new IllegalStateException("no rules for " + kind.noun + "s");
    }

    private TemplateView view(Template t) {
        return TemplateView.of(t, rules(t.kind));
    }

    @Transactional
    public Stored<TemplateView> put(TemplateKind kind, String name, byte[] body, String contentType, Caller caller,
            String client) {
        Names.requireLabel("name", name);
        Object document = Documents.read(body, contentType);
        Map<String, Object> validated = rules(kind).validate(name, document);
        if (kind == TemplateKind.JOB) {
            pods.check(name, validated, caller, client);
        }
        String source = new String(body, StandardCharsets.UTF_8);
        Instant now = clock.instant();
        Template t = find(kind, name, LockModeType.PESSIMISTIC_WRITE).orElse(null);
        if (t == null) {
            t = new Template();
            t.kind = kind;
            t.name = name;
            t.document = validated;
            t.source = source;
            t.createdAt = now;
            t.updatedAt = now;
            t.persist();
            return new Stored<>(view(t), true, true);
        }
        if (t.source.equals(source)) {
            return new Stored<>(view(t), false, false);
        }
        t.document = validated;
        t.source = source;
        t.updatedAt = now;
        return new Stored<>(view(t), false, true);
    }

    public TemplateView get(TemplateKind kind, String name) {
        return view(require(kind, name));
    }

    public Page<TemplateView.Summary> list(TemplateKind kind, PageRequest page) {
        var query = Template.<Template>find("kind", Sort.by("name"), kind).page(page.page(), page.size());
        return new Page<>(query.list().stream().map(t -> new TemplateView.Summary(t.name, t.updatedAt)).toList(),
                page.page(), page.size(), query.count());
    }

    @Transactional
    public void delete(TemplateKind kind, String name) {
        require(kind, name).delete();
    }

    public boolean exists(TemplateKind kind, String name) {
        return Template.count("kind = ?1 and name = ?2", kind, name) > 0;
    }

    /** The stored document of a template, if there is one. */
    public Optional<Map<String, Object>> document(TemplateKind kind, String name) {
        return find(kind, name, LockModeType.NONE).map(t -> t.document);
    }

    private Template require(TemplateKind kind, String name) {
        return find(kind, name, LockModeType.NONE)
                .orElseThrow(() -> ApiException.notFound("There is no " + kind.noun + " named " + Names.quote(name) + "."));
    }

    private static Optional<Template> find(TemplateKind kind, String name, LockModeType lock) {
        return Template.<Template>find("kind = ?1 and name = ?2", kind, name).withLock(lock).firstResultOptional();
    }
}
