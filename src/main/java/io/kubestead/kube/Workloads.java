package io.kubestead.kube;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;

/** The stable and canary Deployments of a release. Every method is idempotent. */
@ApplicationScoped
@io.kubestead.common.RemoteCall
public class Workloads {

    @Inject
    KubernetesClient client;

    public Deployment stable(ReleaseTarget t) {
        Deployment d = deployment(t.namespace(), t.deployment()).get();
        if (d == null) {
            throw new ClusterException("Deployment " + t + " does not exist");
        }
        return d;
    }

    /** Canary replicas for a weight: ceil(stable × w / 100), at least 1 when w > 0. */
    public static int canaryReplicas(int stableReplicas, int weight) {
        if (weight <= 0) {
            return 0;
        }
        return Math.max(1, (int) Math.ceil(stableReplicas * weight / 100.0));
    }

    /** Creates or updates the canary Deployment (stable pod template, release image) with the given replicas. */
    public void ensureCanary(ReleaseTarget t, int replicas) {
        Deployment stable = stable(t);
        Deployment existing = deployment(t.namespace(), t.canaryDeployment()).get();
        Map<String, String> selector = new HashMap<>(stable.getSpec().getSelector().getMatchLabels() == null
                ? Map.of() : stable.getSpec().getSelector().getMatchLabels());
        selector.put(KubeNames.LABEL_TRACK, "canary");
        PodTemplateSpec template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(stable.getSpec().getTemplate())
                .editOrNewMetadata().addToLabels(selector).addToLabels(KubeNames.LABEL_RELEASE, String.valueOf(t.release()))
                .endMetadata().build();
        targetContainer(template.getSpec().getContainers(), t.deployment()).setImage(t.image());
        LabelSelector labelSelector = new LabelSelectorBuilder().withMatchLabels(selector).build();
        if (existing == null) {
            Deployment canary = new DeploymentBuilder()
                    .withNewMetadata().withName(t.canaryDeployment()).withNamespace(t.namespace())
                    .addToLabels(KubeNames.LABEL_ROLLOUT, t.rollout())
                    .addToLabels(KubeNames.LABEL_RELEASE, String.valueOf(t.release()))
                    .addToLabels(KubeNames.LABEL_TRACK, "canary").endMetadata()
                    .withNewSpec().withReplicas(replicas).withSelector(labelSelector).withTemplate(template).endSpec()
                    .build();
            client.apps().deployments().inNamespace(t.namespace()).resource(canary).create();
            return;
        }
        boolean same = existing.getSpec().getReplicas() != null && existing.getSpec().getReplicas() == replicas
                && String.valueOf(t.release()).equals(existing.getMetadata().getLabels().get(KubeNames.LABEL_RELEASE))
                && t.image().equals(targetContainer(existing.getSpec().getTemplate().getSpec().getContainers(),
                        t.deployment()).getImage());
        if (!same) {
            deployment(t.namespace(), t.canaryDeployment()).edit(d -> new DeploymentBuilder(d)
                    .editMetadata().addToLabels(KubeNames.LABEL_RELEASE, String.valueOf(t.release())).endMetadata()
                    .editSpec().withReplicas(replicas).withTemplate(template).endSpec().build());
        }
    }

    /** Scales the canary to nothing, if there is one: one request (a merge patch), the abort's only cluster call. */
    public void scaleCanaryToZero(ReleaseTarget t) {
        try {
            deployment(t.namespace(), t.canaryDeployment()).patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                    "{\"spec\":{\"replicas\":0}}");
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    public boolean canaryReady(ReleaseTarget t, int replicas) {
        Deployment canary = deployment(t.namespace(), t.canaryDeployment()).get();
        return canary != null && rolledOut(canary, replicas);
    }

    public void deleteCanary(ReleaseTarget t) {
        deployment(t.namespace(), t.canaryDeployment()).delete();
    }

    public boolean canaryExists(ReleaseTarget t) {
        return deployment(t.namespace(), t.canaryDeployment()).get() != null;
    }

    /** Sets the release image on the stable Deployment (once: an equal image is left alone). */
    public void setStableImage(ReleaseTarget t) {
        Deployment stable = stable(t);
        Container c = targetContainer(stable.getSpec().getTemplate().getSpec().getContainers(), t.deployment());
        if (!t.image().equals(c.getImage())) {
            deployment(t.namespace(), t.deployment()).edit(d -> {
                targetContainer(d.getSpec().getTemplate().getSpec().getContainers(), t.deployment()).setImage(t.image());
                // lets the engine hear of the stable rollout's progress instead of polling for it
                java.util.Map<String, String> labels = d.getMetadata().getLabels() == null ? new HashMap<>()
                        : new HashMap<>(d.getMetadata().getLabels());
                labels.put(KubeNames.LABEL_RELEASE, String.valueOf(t.release()));
                d.getMetadata().setLabels(labels);
                return d;
            });
        }
    }

    /**
     * What still serves a workload: for its stable and canary Deployments, the image of the container Kubestead
     * sets on each Deployment with replicas, and on each of their pods that has not ended ("pod/name" or
     * "deployment/name" → image).
     */
    public java.util.Map<String, String> servingImages(String namespace, String deployment) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String name : java.util.List.of(deployment, KubeNames.canary(deployment))) {
            Deployment d = deployment(namespace, name).get();
            if (d == null || d.getSpec() == null || d.getSpec().getTemplate() == null) {
                continue;
            }
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            if (replicas > 0) {
                out.put("deployment/" + name, targetContainer(d.getSpec().getTemplate().getSpec().getContainers(), deployment).getImage());
            }
            if (d.getSpec().getSelector() == null || d.getSpec().getSelector().getMatchLabels() == null
                    || d.getSpec().getSelector().getMatchLabels().isEmpty()) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.Pod pod : client.pods().inNamespace(namespace)
                    .withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems()) {
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if (pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase)
                        || pod.getSpec() == null || pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()) {
                    continue;
                }
                out.put("pod/" + pod.getMetadata().getName(), targetContainer(pod.getSpec().getContainers(), deployment).getImage());
            }
        }
        return out;
    }

    public boolean stableRolledOut(ReleaseTarget t) {
        Deployment stable = stable(t);
        int replicas = stable.getSpec().getReplicas() == null ? 1 : stable.getSpec().getReplicas();
        return rolledOut(stable, replicas);
    }

    private static boolean rolledOut(Deployment d, int replicas) {
        DeploymentStatus s = d.getStatus();
        if (replicas == 0) {
            return true;
        }
        if (s == null) {
            return false;
        }
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
        int ready = s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
        return observed >= generation && updated >= replicas && ready >= replicas;
    }

    /** The container a release changes: the one named like the Deployment, else the first. */
    static Container targetContainer(List<Container> containers, String deployment) {
        if (containers == null || containers.isEmpty()) {
            throw new ClusterException("Deployment " + deployment + " has no containers");
        }
        return containers.stream().filter(c -> deployment.equals(c.getName())).findFirst().orElse(containers.get(0));
    }

    private RollableScalableResource<Deployment> deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name);
    }
}
