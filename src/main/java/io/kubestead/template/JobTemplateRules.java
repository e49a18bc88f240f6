package io.kubestead.template;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/** Job templates: a Kubernetes Job manifest (its pod policy is checked apart, with who stores it). */
@ApplicationScoped
public class JobTemplateRules implements TemplateRules {

    @Override
    public TemplateKind kind() {
        return TemplateKind.JOB;
    }

    @Override
    public Map<String, Object> validate(String name, Object document) {
        return JobManifests.validate(name, document);
    }
}
