package io.kubestead.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.kubestead.common.ApiException;
import io.kubestead.common.FieldError;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.common.Node;
import io.kubestead.security.AuditLog;
import io.kubestead.security.Caller;

/**
 * What a hook Job template may ask of the cluster: the configured Pod Security Standard (baseline by default),
 * and only allowed service accounts. A template annotated {@code kubestead.io/pod-security: privileged} (or a
 * weaker level than configured) is stored with its violations written to the audit trail under the admin's name.
 */
@ApplicationScoped
public class PodPolicy {

    public static final String ANNOTATION = "kubestead.io/pod-security";
    static final String ANNOTATION_PATH = "metadata.annotations[" + ANNOTATION + "]";

    @Inject
    KubesteadConfig config;

    @Inject
    AuditLog audit;

    /** What the policy says of a Job: the refused fields, or the violations a waiver lets through. */
    record Outcome(List<FieldError> errors, String asked, PodSecurity.Level configured, List<FieldError> waived) {
    }

    Outcome evaluate(Map<String, Object> job) {
        List<FieldError> errors = new ArrayList<>();
        serviceAccount(job, errors);
        PodSecurity.Level configured = level(config.security().podSecurity(), "kubestead.security.pod-security");
        String asked = annotation(job);
        boolean waiver = false;
        PodSecurity.Level level = configured;
        if (asked != null) {
            if (asked.equals("privileged")) {
                waiver = true;
            } else {
                PodSecurity.Level a = level(asked, ANNOTATION_PATH);
                waiver = a.ordinal() < configured.ordinal();
                level = a;
            }
        }
        List<FieldError> violations = PodSecurity.violations(job, waiver ? configured : level);
        if (!waiver) {
            errors.addAll(violations);
        }
        return new Outcome(errors, asked, configured, waiver ? violations : List.of());
    }

    /** Checks a validated Job template; a 400 naming every offending field, or an audited waiver. */
    public void check(String name, Map<String, Object> job, Caller caller, String client) {
        Outcome o = evaluate(job);
        if (!o.errors().isEmpty()) {
            throw ApiException.invalid(o.errors());
        }
        if (!o.waived().isEmpty()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("template", name);
            d.put("asked", o.asked());
            d.put("standard", PodSecurity.describe(o.configured()));
            d.put("violations", o.waived().stream().map(FieldError::toString).toList());
            audit.record(caller.actor(), "PodSecurityWaived", "job-template/" + name, "ok", client, d);
        }
    }

    /**
     * Why a stored template may not run now (it was stored before the policy, or the policy changed), or null.
     * The engine asks before it creates a hook Job.
     */
    public String refusal(Map<String, Object> job) {
        try {
            Outcome o = evaluate(job);
            return o.errors().isEmpty() ? null : "the job template does not meet the pod policy: "
                    + String.join("; ", o.errors().stream().map(FieldError::toString).toList());
        } catch (ApiException e) {
            return "the job template does not meet the pod policy: " + e.getMessage();
        }
    }

    private void serviceAccount(Map<String, Object> job, List<FieldError> errors) {
        Map<?, ?> pod = map(map(map(job.get("spec")).get("template")).get("spec"));
        for (String key : List.of("serviceAccountName", "serviceAccount")) {
            Object sa = pod.get(key);
            if (sa != null && !config.cluster().hookServiceAccounts().contains(String.valueOf(sa))) {
                errors.add(new FieldError("spec.template.spec." + key, Node.describe(sa) + " is not an allowed service "
                        + "account for hooks " + config.cluster().hookServiceAccounts() + " (kubestead.cluster.hook-service-accounts)"));
            }
        }
    }

    private static String annotation(Map<String, Object> job) {
        Object v = map(map(job.get("metadata")).get("annotations")).get(ANNOTATION);
        return v == null ? null : String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    }

    private static PodSecurity.Level level(String text, String path) {
        try {
            return PodSecurity.Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(path, Node.quote(text) + " is not baseline, restricted or privileged");
        }
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }
}
