package io.kubestead.template;

import java.util.Map;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** The two kinds of stored template, each with its own path in the API and its own validation. */
public enum TemplateKind {
    JOB("job", "job-templates", "job template"),
    ANALYSIS("analysis", "analysis-templates", "analysis template");

    public final String dbName;
    public final String collection;
    public final String noun;

    TemplateKind(String dbName, String collection, String noun) {
        this.dbName = dbName;
        this.collection = collection;
        this.noun = noun;
    }

    public static TemplateKind ofCollection(String collection) {
        for (TemplateKind k : values()) {
            if (k.collection.equals(collection)) {
                return k;
            }
        }
        throw new IllegalArgumentException(collection);
    }

    @Converter(autoApply = true)
    public static class DbConverter implements AttributeConverter<TemplateKind, String> {
        @Override
        public String convertToDatabaseColumn(TemplateKind kind) {
            return kind == null ? null : kind.dbName;
        }

        @Override
        public TemplateKind convertToEntityAttribute(String db) {
            for (TemplateKind k : values()) {
                if (k.dbName.equals(db)) {
                    return k;
                }
            }
            return null;
        }
    }
}
