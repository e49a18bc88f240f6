package io.kubestead.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.common.Durations;
import io.kubestead.common.KubesteadConfig;

/**
 * Plays the kubelet and controllers for the sandbox cluster: a Job completes after a while (or fails when
 * annotated {@code kubestead.io/sandbox-fail: "true"}; {@code kubestead.io/sandbox-duration: 10s} sets its run
 * time), and a Deployment reports its replicas ready a moment after its spec last changed.
 */
@ApplicationScoped
public class SandboxSimulator {

    private static final Logger LOG = Logger.getLogger(SandboxSimulator.class);
    public static final String DURATION = "kubestead.io/sandbox-duration";

    @Inject
    KubernetesClient client;

    @Inject
    KubesteadConfig config;

    @Inject
    Clock clock;

    private final Map<String, Seen> deployments = new ConcurrentHashMap<>();
    private volatile boolean paused;

    private record Seen(int specHash, Instant changedAt) {
    }

    public boolean enabled() {
        return !paused && (SandboxCluster.active() || config.sandbox().simulate());
    }

    /** Tests stop the simulated controllers to look at the cluster in between; a pass under way finishes first. */
    public void pause(boolean pause) {
        synchronized (passLock) {
            this.paused = pause;
        }
    }

    private final Object passLock = new Object();

    private java.util.concurrent.ScheduledExecutorService timer;

    private io.fabric8.kubernetes.client.informers.SharedIndexInformer<Job> jobs;
    private io.fabric8.kubernetes.client.informers.SharedIndexInformer<Deployment> deploymentInformer;

    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent e) {
        if (!SandboxCluster.active() && !config.sandbox().simulate()) {
            return;
        }
        // the simulated controllers read from informer caches, as real ones do, rather than listing every pass
        // (started without waiting: a cluster that is not there yet must not hold up start-up)
        jobs = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
        deploymentInformer = client.apps().deployments().inAnyNamespace().runnableInformer(0);
        jobs.start();
        deploymentInformer.start();
        timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-simulator");
            t.setDaemon(true);
            return t;
        });
        long tick = config.sandbox().tick().toMillis();
        timer.scheduleWithFixedDelay(this::tick, tick, tick, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
            jobs.stop();
            deploymentInformer.stop();
        }
    }

    void tick() {
        synchronized (passLock) {
            if (!enabled()) {
                return;
            }
            try {
                simulate();
            } catch (RuntimeException e) {
                LOG.debugf("Sandbox simulator: %s", e.getMessage());
            }
        }
    }

    public void simulate() {
        Instant now = clock.instant();
        for (Job job : jobs.getStore().list()) {
            completeJob(copy(job), now);
        }
        for (Deployment d : deploymentInformer.getStore().list()) {
            readyDeployment(copy(d), now);
        }
    }

    private void completeJob(Job job, Instant now) {
        if (HookJobs.outcome(job) != HookJobs.Outcome.RUNNING) {
            return;
        }
        Map<String, String> annotations = job.getMetadata().getAnnotations() == null ? Map.of()
                : job.getMetadata().getAnnotations();
        Duration runFor = annotations.containsKey(DURATION) ? Durations.parse(annotations.get(DURATION))
                : config.sandbox().jobDuration();
        String created = job.getMetadata().getCreationTimestamp();
        Instant start = created == null ? now : Instant.parse(created);
        if (job.getStatus() == null || job.getStatus().getStartTime() == null) {
            job.setStatus(new JobStatusBuilder().withActive(1).withStartTime(now.toString()).build());
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).updateStatus();
            return;
        }
        start = Instant.parse(job.getStatus().getStartTime());
        if (runFor != null && now.isBefore(start.plus(runFor))) {
            return;
        }
        boolean fail = "true".equals(annotations.get(KubeNames.SANDBOX_FAIL));
        job.setStatus(new JobStatusBuilder()
                .withStartTime(job.getStatus().getStartTime())
                .withCompletionTime(fail ? null : now.toString())
                .withActive(0).withSucceeded(fail ? 0 : 1).withFailed(fail ? 1 : 0)
                .withConditions(new JobConditionBuilder().withType(fail ? "Failed" : "Complete").withStatus("True")
                        .withReason(fail ? "BackoffLimitExceeded" : null)
                        .withMessage(fail ? "Job has reached the specified backoff limit (sandbox)" : null)
                        .withLastTransitionTime(now.toString()).build())
                .build());
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).updateStatus();
    }

    private void readyDeployment(Deployment d, Instant now) {
        String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int hash = Objects.hash(replicas, d.getSpec().getTemplate());
        Seen seen = deployments.get(key);
        if (seen == null || seen.specHash != hash) {
            seen = new Seen(hash, now);
            deployments.put(key, seen);
        }
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        boolean settled = !now.isBefore(seen.changedAt.plus(config.sandbox().readyDelay()));
        var s = d.getStatus();
        int ready = settled ? replicas : Math.min(replicas, s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas());
        int updated = settled ? replicas : 0;
        if (s != null && Objects.equals(s.getReadyReplicas(), ready) && Objects.equals(s.getUpdatedReplicas(), updated)
                && Objects.equals(s.getReplicas(), replicas) && Objects.equals(s.getObservedGeneration(), generation)) {
            return;
        }
        d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(ready)
                .withAvailableReplicas(ready).withUpdatedReplicas(updated).withObservedGeneration(generation).build());
        client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
    }

    /** Cached objects are shared: change a copy. */
    private static <T> T copy(T o) {
        return io.fabric8.kubernetes.client.utils.KubernetesSerialization.class.cast(SERIALIZATION).clone(o);
    }

    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    /** Forgets what it has seen (tests reuse names). */
    public void reset() {
        deployments.clear();
    }

    List<String> seen() {
        return List.copyOf(deployments.keySet());
    }
}
