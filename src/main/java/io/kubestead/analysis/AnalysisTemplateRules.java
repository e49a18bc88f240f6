package io.kubestead.analysis;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateRules;

/** Analysis templates: the analysis feature's own spec, with literal header values never shown. */
@ApplicationScoped
public class AnalysisTemplateRules implements TemplateRules {

    @Override
    public TemplateKind kind() {
        return TemplateKind.ANALYSIS;
    }

    @Override
    public Map<String, Object> validate(String name, Object document) {
        return AnalysisSpecParser.validate(name, document);
    }

    @Override
    public Map<String, Object> masked(Map<String, Object> document) {
        return AnalysisSpecParser.masked(document);
    }
}
