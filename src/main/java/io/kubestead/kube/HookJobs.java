package io.kubestead.kube;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubestead.template.JobManifests;

/** Hook Jobs: made from a template under a deterministic name, adopted when they already exist. */
@ApplicationScoped
@io.kubestead.common.RemoteCall
public class HookJobs {

    private static final Logger LOG = Logger.getLogger(HookJobs.class);

    public enum Outcome {
        RUNNING, SUCCEEDED, FAILED
    }

    @Inject
    KubernetesClient client;

    /** The Job of a hook: the existing one if there is one (never a second), else a new one from the template. */
    public Job ensure(String namespace, String name, Map<String, String> labels, Map<String, Object> manifest) {
        Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        if (existing != null) {
            return existing;
        }
        Job job = JobManifests.toJob(manifest);
        job.getMetadata().setName(name);
        job.getMetadata().setNamespace(namespace);
        job.getMetadata().setResourceVersion(null);
        job.getMetadata().setLabels(merge(job.getMetadata().getLabels(), labels));
        var podMeta = job.getSpec().getTemplate().getMetadata();
        if (podMeta == null) {
            job.getSpec().getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
            podMeta = job.getSpec().getTemplate().getMetadata();
        }
        podMeta.setLabels(merge(podMeta.getLabels(), labels));
        if (job.getSpec().getTemplate().getSpec().getRestartPolicy() == null) {
            job.getSpec().getTemplate().getSpec().setRestartPolicy("Never");
        }
        try {
            return client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // made by another attempt a moment ago: adopt it
                return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            }
            throw e;
        }
    }

    public Job get(String namespace, String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    public static Outcome outcome(Job job) {
        if (job == null || job.getStatus() == null) {
            return Outcome.RUNNING;
        }
        List<JobCondition> conditions = job.getStatus().getConditions();
        if (conditions != null) {
            for (JobCondition c : conditions) {
                if ("True".equals(c.getStatus()) && ("Complete".equals(c.getType()) || "SuccessCriteriaMet".equals(c.getType()))) {
                    return Outcome.SUCCEEDED;
                }
                if ("True".equals(c.getStatus()) && ("Failed".equals(c.getType()) || "FailureTarget".equals(c.getType()))) {
                    return Outcome.FAILED;
                }
            }
        }
        return Outcome.RUNNING;
    }

    /** A short account of the Job's status for the event. */
    public static Map<String, Object> status(Job job) {
        var s = job.getStatus();
        if (s == null) {
            return Map.of();
        }
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("active", s.getActive() == null ? 0 : s.getActive());
        m.put("succeeded", s.getSucceeded() == null ? 0 : s.getSucceeded());
        m.put("failed", s.getFailed() == null ? 0 : s.getFailed());
        if (s.getConditions() != null) {
            s.getConditions().stream().filter(c -> "True".equals(c.getStatus())).findFirst().ifPresent(c -> {
                m.put("condition", c.getType());
                if (c.getReason() != null) {
                    m.put("conditionReason", c.getReason());
                }
                if (c.getMessage() != null) {
                    m.put("conditionMessage", c.getMessage());
                }
            });
        }
        return m;
    }

    /** The last lines of the log of the Job's newest pod; empty when there is none to read. */
    public String logTail(String namespace, String jobName, int lines) {
        try {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems();
            if (pods.isEmpty()) {
                pods = client.pods().inNamespace(namespace).withLabel("batch.kubernetes.io/job-name", jobName).list().getItems();
            }
            Pod newest = pods.stream().max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp() == null ? ""
                    : p.getMetadata().getCreationTimestamp())).orElse(null);
            if (newest == null) {
                return "";
            }
            // a plain GET of pods/log: the client's getLog() first waits for the pod with a watch on pods, which the
            // RBAC of k8s/ does not grant (and a finished Job's pod needs no waiting for)
            String master = client.getMasterUrl().toString();
            String log = client.raw((master.endsWith("/") ? master : master + "/") + "api/v1/namespaces/"
                    + java.net.URLEncoder.encode(namespace, java.nio.charset.StandardCharsets.UTF_8) + "/pods/"
                    + java.net.URLEncoder.encode(newest.getMetadata().getName(), java.nio.charset.StandardCharsets.UTF_8)
                    + "/log?tailLines=" + lines);
            return log == null ? "" : log;
        } catch (KubernetesClientException e) {
            LOG.debugf("No log for Job %s/%s: %s", namespace, jobName, e.getMessage());
            return "";
        }
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        if (a != null) {
            m.putAll(a);
        }
        m.putAll(b);
        return m;
    }
}
