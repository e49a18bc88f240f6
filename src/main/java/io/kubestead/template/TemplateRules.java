package io.kubestead.template;

import java.util.Map;

/**
 * What the feature that uses a kind of template says about its documents: whether one is valid, and what of it may
 * be shown. The analysis feature provides the rules of analysis templates, so templates depend on no feature.
 */
public interface TemplateRules {

    TemplateKind kind();

    /** Validates a document and returns the form to store; 400 with field paths otherwise. */
    Map<String, Object> validate(String name, Object document);

    /** The document as anyone may read it, secrets hidden; null when there is nothing to hide. */
    default Map<String, Object> masked(Map<String, Object> document) {
        return null;
    }
}
