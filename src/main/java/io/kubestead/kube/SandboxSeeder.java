package io.kubestead.kube;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.template.TemplateKind;
import io.kubestead.template.TemplateService;
import io.quarkus.runtime.StartupEvent;

/**
 * Gives the sandbox cluster something to deliver: namespace {@code demo} with Deployment and Service
 * {@code users-service} (3 replicas), and the job template {@code db-migration-job} of the README.
 */
@ApplicationScoped
public class SandboxSeeder {

    private static final Logger LOG = Logger.getLogger(SandboxSeeder.class);
    static final String NAMESPACE = "demo";
    static final String APP = "users-service";

    @Inject
    KubernetesClient client;

    @Inject
    TemplateService templates;

    void seed(@Observes StartupEvent e) {
        if (!SandboxCluster.active()) {
            return;
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .createOr(r -> r.update());
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName(APP).withNamespace(NAMESPACE).addToLabels("app", APP).endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", APP).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", APP).endMetadata()
                .withNewSpec().addNewContainer().withName(APP).withImage("registry.example.com/users-service:1.0.0")
                .addNewPort().withContainerPort(8080).endPort().endContainer().endSpec()
                .endTemplate().endSpec().build()).createOr(r -> r.update());
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName(APP).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().addToSelector("app", APP).addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec()
                .build()).createOr(r -> r.update());
        // a credential for analysis templates to reference (valueFrom.secretKeyRef), never to be written into one
        client.secrets().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("analysis-credentials").withNamespace(NAMESPACE).endMetadata()
                .addToStringData("token", "sandbox-" + java.util.UUID.randomUUID()).build()).createOr(r -> r.update());
        if (!templates.exists(TemplateKind.JOB, "db-migration-job")) {
            try (InputStream in = getClass().getResourceAsStream("/examples/db-migration-job.yaml")) {
                templates.put(TemplateKind.JOB, "db-migration-job", in.readAllBytes(), "application/yaml",
                        io.kubestead.security.Caller.SYSTEM, null);
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
        LOG.infof("Sandbox cluster seeded: namespace %s, Deployment and Service %s (3 replicas), job template "
                + "db-migration-job, Secret analysis-credentials", NAMESPACE, APP);
    }
}
