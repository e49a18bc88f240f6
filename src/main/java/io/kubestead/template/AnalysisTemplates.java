package io.kubestead.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kubestead.common.ApiException;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;

/**
 * Checks the outer form of an analysis template document ({@code analysisTemplate: {name, ...}}); what its
 * fields mean belongs to the analysis module.
 */
public final class AnalysisTemplates {

    private AnalysisTemplates() {
    }

    public static Map<String, Object> validate(String name, Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        if (!root.isMap() || !root.has("analysisTemplate")) {
            throw ApiException.invalid("analysisTemplate",
                    "is required: the document is a mapping with the single key 'analysisTemplate'");
        }
        Node t = root.child("analysisTemplate");
        root.finish();
        if (t.expectMap()) {
            String docName = t.dnsLabel("name", true);
            if (docName != null && !docName.equals(name)) {
                t.error("name", "is " + Node.quote(docName) + " but the address names " + Node.quote(name)
                        + "; they must agree");
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return root.map();
    }
}
