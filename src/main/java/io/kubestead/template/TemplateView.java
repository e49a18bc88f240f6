package io.kubestead.template;

import java.time.Instant;
import java.util.Map;

public record TemplateView(String name, String kind, Map<String, Object> document, String source, Instant createdAt,
        Instant updatedAt) {

    static TemplateView of(Template t, TemplateRules rules) {
        if (rules != null) {
            Map<String, Object> masked = rules.masked(t.document);
            if (masked != null) {
                // the text as sent holds the header values: what is served is the document with them hidden
                return new TemplateView(t.name, t.kind.dbName, masked, "# header values are not shown\n"
                        + new org.yaml.snakeyaml.Yaml().dumpAsMap(masked), t.createdAt, t.updatedAt);
            }
        }
        return new TemplateView(t.name, t.kind.dbName, t.document, t.source, t.createdAt, t.updatedAt);
    }

    public record Summary(String name, Instant updatedAt) {
    }
}
