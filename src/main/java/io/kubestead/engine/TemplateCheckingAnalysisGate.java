package io.kubestead.engine;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.common.Names;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;

/**
 * The analysis gate until metric providers are wired in: it checks that the template exists and otherwise hands
 * the judgement to a person, never passing a canary nobody measured.
 */
@ApplicationScoped
public class TemplateCheckingAnalysisGate implements AnalysisGate {

    @Inject
    TemplateService templates;

    @Override
    public Verdict evaluate(Request request) {
        String name = request.analysis().template();
        if (!templates.exists(TemplateKind.ANALYSIS, name)) {
            return new Broken("analysis template " + Names.quote(name) + " does not exist");
        }
        return new Inconclusive("analysis template " + Names.quote(name)
                + " has no metric provider Kubestead can run yet: judge the canary, then resume (pass) or abort",
                Map.of("template", name));
    }
}
