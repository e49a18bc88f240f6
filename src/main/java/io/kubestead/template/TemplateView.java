package io.kubestead.template;

import java.time.Instant;
import java.util.Map;

public record TemplateView(String name, String kind, Map<String, Object> document, String source, Instant createdAt,
        Instant updatedAt) {

    static TemplateView of(Template t) {
        return new TemplateView(t.name, t.kind.dbName, t.document, t.source, t.createdAt, t.updatedAt);
    }

    public record Summary(String name, Instant updatedAt) {
    }
}
