package io.kubestead.engine;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.kube.KubeNames;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Watches the Jobs and Deployments Kubestead made (label kubestead.io/release) and makes their release due at
 * once when they change, so a Job finishing or a canary becoming ready is acted on in milliseconds; the poll
 * interval is only the fallback for a missed event.
 */
@ApplicationScoped
public class ClusterWatch {

    private static final Logger LOG = Logger.getLogger(ClusterWatch.class);

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    @Inject
    io.kubestead.release.ReleaseService releases;

    @Inject
    KubesteadConfig config;

    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    void onStart(@Observes StartupEvent e) {
        if (!config.engine().enabled()) {
            return;
        }
        // started without waiting for the first list: while the cluster cannot be watched, polling still works
        SharedIndexInformer<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs = client.batch().v1().jobs().inAnyNamespace()
                .withLabel(KubeNames.LABEL_RELEASE).runnableInformer(0);
        SharedIndexInformer<io.fabric8.kubernetes.api.model.apps.Deployment> deployments = client.apps().deployments()
                .inAnyNamespace().withLabel(KubeNames.LABEL_RELEASE).runnableInformer(0);
        jobs.addEventHandler(handler());
        deployments.addEventHandler(handler());
        informers.add(jobs);
        informers.add(deployments);
        informers.forEach(i -> i.start().exceptionally(ex -> {
            LOG.warnf("Cannot watch the cluster (%s); releases waiting on it are polled every %s", ex.getMessage(),
                    config.engine().pollInterval());
            return null;
        }));
    }

    void onStop(@Observes ShutdownEvent e) {
        informers.forEach(SharedIndexInformer::stop);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                // what the engine just created has nothing to report yet; an object found with a status (the first
                // list after a restart) may have
                if (status(obj) != null) {
                    nudge(obj);
                }
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                // only a change of status is news: a change of spec is the engine's own write
                if (!java.util.Objects.equals(status(oldObj), status(newObj))) {
                    nudge(newObj);
                }
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    private static Object status(HasMetadata obj) {
        if (obj instanceof io.fabric8.kubernetes.api.model.batch.v1.Job j) {
            return j.getStatus();
        }
        if (obj instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
            return d.getStatus();
        }
        return obj.getMetadata().getResourceVersion();
    }

    void nudge(HasMetadata obj) {
        String label = obj.getMetadata().getLabels() == null ? null : obj.getMetadata().getLabels().get(KubeNames.LABEL_RELEASE);
        long id;
        try {
            id = Long.parseLong(label);
        } catch (NumberFormatException e) {
            return;
        }
        try {
            if (releases.nudge(id)) {
                engine.wake();
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not nudge release %d: %s", id, e.getMessage());
        }
    }
}
