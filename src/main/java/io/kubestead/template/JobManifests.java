package io.kubestead.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestead.common.ApiException;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;
import io.kubestead.common.Paths;

/** Checks a hook Job manifest by reading it with the fabric8 model, as the Kubernetes API would. */
public final class JobManifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private JobManifests() {
    }

    public static Map<String, Object> validate(String name, Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        if (!root.expectMap()) {
            throw ApiException.invalid(errors);
        }
        Map<String, Object> map = root.map();
        if (!"batch/v1".equals(map.get("apiVersion"))) {
            errors.add(new FieldError("apiVersion", "must be \"batch/v1\""));
        }
        if (!"Job".equals(map.get("kind"))) {
            errors.add(new FieldError("kind", "must be \"Job\""));
        }
        if (map.get("metadata") instanceof Map<?, ?> meta && meta.get("name") != null && !name.equals(meta.get("name"))) {
            errors.add(new FieldError("metadata.name", "is " + Node.describe(meta.get("name"))
                    + " but the address names " + Node.quote(name) + "; they must agree (or leave metadata.name out)"));
        }
        Job job = null;
        if (errors.isEmpty()) {
            try {
                job = SERIALIZATION.convertValue(map, Job.class);
            } catch (RuntimeException e) {
                errors.add(new FieldError("", "is not a Kubernetes Job manifest: " + rootMessage(e)));
            }
        }
        if (job != null) {
            checkJob(job, errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return map;
    }

    private static void checkJob(Job job, List<FieldError> errors) {
        if (!job.getAdditionalProperties().isEmpty()) {
            job.getAdditionalProperties().keySet().forEach(k -> errors.add(new FieldError(k, "unknown field")));
        }
        if (job.getSpec() == null || job.getSpec().getTemplate() == null || job.getSpec().getTemplate().getSpec() == null) {
            errors.add(new FieldError("spec.template.spec", "is required: the pod the Job runs"));
            return;
        }
        if (!job.getSpec().getAdditionalProperties().isEmpty()) {
            job.getSpec().getAdditionalProperties().keySet()
                    .forEach(k -> errors.add(new FieldError("spec." + k, "unknown field")));
        }
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        String podPath = "spec.template.spec";
        String restart = pod.getRestartPolicy();
        if (restart != null && !restart.equals("Never") && !restart.equals("OnFailure")) {
            errors.add(new FieldError(podPath + ".restartPolicy", "must be Never or OnFailure for a Job, not " + Node.quote(restart)));
        }
        List<Container> containers = pod.getContainers();
        if (containers == null || containers.isEmpty()) {
            errors.add(new FieldError(podPath + ".containers", "needs at least one container"));
            return;
        }
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            String path = Paths.index(podPath + ".containers", i);
            if (c.getName() == null || c.getName().isBlank()) {
                errors.add(new FieldError(path + ".name", "is required"));
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                errors.add(new FieldError(path + ".image", "is required"));
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        // Jackson names the Java class it tried to fill; users need the field, not our internals.
        return m.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z0-9_.]+\\.([A-Z][A-Za-z0-9]*)`", "$1").trim();
    }

    /** Reads a stored manifest back into the fabric8 model. */
    public static Job toJob(Map<String, Object> manifest) {
        return SERIALIZATION.convertValue(manifest, Job.class);
    }
}
