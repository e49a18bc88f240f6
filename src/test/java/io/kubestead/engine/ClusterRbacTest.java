package io.kubestead.engine;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubestead.analysis.AnalysisSpec;
import io.kubestead.analysis.HeaderValues;
import io.kubestead.approval.SlackSettingsProbe;
import io.kubestead.common.KubesteadConfig;
import io.kubestead.deploy.Manifests;
import io.kubestead.deploy.RbacRules;
import io.kubestead.deploy.RbacRules.ApiRequest;
import io.kubestead.kube.KubeNames;
import io.kubestead.kube.SandboxSimulator;
import io.kubestead.release.ReleaseService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The RBAC of k8s/ applied to the mock API server: while a release with a hook Job and Gateway API routing is
 * promoted and another aborted, the engine watches the cluster, and Slack's and analysis' Secrets are read, every
 * request Kubestead makes is checked against the ClusterRoles, Roles and bindings of k8s/base (403 when they do
 * not grant it, as a real API server answers). Nothing may be refused, and every grant must have been used.
 * The test plays the cluster's controllers itself (the sandbox simulator is paused), under an identity of its own.
 */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class ClusterRbacTest extends EngineFixture {

    static final String CONTROLLERS = "kubestead-test-controllers";

    @Inject
    KubernetesClient client;

    @Inject
    Engine engine;

    @Inject
    ReleaseService releases;

    @Inject
    KubesteadConfig config;

    @Inject
    SandboxSimulator simulator;

    @Inject
    HeaderValues headerValues;

    @KubernetesTestServer
    KubernetesServer server;

    /** Passes the controllers' requests; checks, records and (when not granted) refuses everyone else's. */
    static final class Enforcing extends Dispatcher {
        final Dispatcher api;
        final RbacRules rules;
        final List<ApiRequest> seen = new CopyOnWriteArrayList<>();
        final List<ApiRequest> refused = new CopyOnWriteArrayList<>();

        Enforcing(Dispatcher api, RbacRules rules) {
            this.api = api;
            this.rules = rules;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.startsWith(CONTROLLERS)) {
                return api.dispatch(request);
            }
            ApiRequest r = ApiRequest.of(request.getMethod(), request.getPath());
            seen.add(r);
            if (rules.allowing(r).isEmpty()) {
                refused.add(r);
                return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                                + "\"code\":403,\"message\":\"" + r + " is not granted by k8s/\"}");
            }
            return api.dispatch(request);
        }
    }

    MockWebServer web;
    Dispatcher original;
    KubernetesClient controllers;

    @Inject
    io.kubestead.pipeline.TargetDatabases databases;

    @AfterEach
    void restore() {
        if (web != null) {
            web.setDispatcher(original);
        }
        if (controllers != null) {
            controllers.close();
        }
        simulator.pause(false);
    }

    static Object field(Class<?> type, String name, Object of) throws ReflectiveOperationException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(of);
    }

    @Test
    void everyClusterCallIsGrantedByK8sAndEveryGrantIsUsed() throws Exception {
        Manifests.Kustomization base = Manifests.kustomization(Manifests.BASE);
        Deployment manifest = base.one(Deployment.class);
        String account = manifest.getSpec().getTemplate().getSpec().getServiceAccountName();
        RbacRules rules = RbacRules.of(base, manifest.getMetadata().getNamespace(), account);
        // the namespace the manifests deliver to (and read Secrets in) is the one this server does
        String ns = Manifests.env(Manifests.kubestead(manifest), "KUBESTEAD_CLUSTER_NAMESPACE")
                .orElseThrow();
        assertThat(config.cluster().namespace()).isEqualTo(ns);
        List<String> secretNames = base.all(Role.class).stream().flatMap(r -> r.getRules().stream())
                .filter(r -> r.getResources().contains("secrets")).flatMap(r -> r.getResourceNames().stream()).toList();
        assertThat(secretNames).hasSize(2);

        controllers = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(CONTROLLERS).build()).build();
        String name = unique("rbac");
        stable(controllers, ns, name, 2, "registry.example.com/" + name + ":1.0.0");
        controllers.resources(HTTPRoute.class).inNamespace(ns).resource(new HTTPRouteBuilder().withNewMetadata()
                .withName(name).withNamespace(ns).endMetadata().withNewSpec().addNewRule().addNewBackendRef()
                .withName(name + "-stable").withPort(8080).withWeight(100).endBackendRef().endRule().endSpec().build()).create();
        for (String secret : secretNames) {
            controllers.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(secret)
                    .withNamespace(ns).endMetadata().addToStringData("token", "t-" + secret)
                    .addToStringData("bot-token", "xoxb-" + secret).build()).createOr(r -> r.update());
        }
        simulator.pause(true);

        web = (MockWebServer) field(DefaultMockServer.class, "server", server.getKubernetesMockServer());
        original = (Dispatcher) field(MockWebServer.class, "dispatcher", web);
        Enforcing enforcing = new Enforcing(original, rules);
        web.setDispatcher(enforcing);

        // the hook declares its SQL in a ConfigMap: checked against a real target before each release
        String db = "rbac_" + Long.toHexString(System.nanoTime());
        databases.register(db, io.kubestead.pipeline.TargetDatabase.create(db), "postgres", null);
        controllers.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withName(name + "-sql").withNamespace(ns).endMetadata()
                .addToData("migration.sql", "set lock_timeout = '2s'; create table if not exists audit_trail (id bigint)").build())
                .create();

        ClusterWatch watch = ClusterWatchProbe.start(client, engine, releases, config);
        try {
            jobTemplate("rbac-migration", Map.of());
            rollout(name, """
                      target: {namespace: %s}
                      trafficRouting:
                        gatewayAPI: {httpRoute: %s, stableService: %s-stable, canaryService: %s-canary}
                      preDeployHooks:
                        - name: migrate
                          jobTemplate: rbac-migration
                          failureAction: abort
                          migration: {database: %s, configMap: {name: %s-sql, key: migration.sql}}
                      canarySteps:
                        - setWeight: 50
                        - pause: {}
                    """.formatted(ns, name, name, name, db, name));
            long promoted = release(name, "1.1.0");
            awaitPlayingControllers(ns, name, () -> "Paused".equals(state(promoted)));
            act(promoted, "resume", "rbac-operator", null);
            awaitPlayingControllers(ns, name, () -> "Promoted".equals(state(promoted)));
            long aborted = release(name, "1.2.0");
            awaitPlayingControllers(ns, name, () -> "Paused".equals(state(aborted)));
            act(aborted, "abort", "rbac-operator", "checking the abort's calls");
            awaitPlayingControllers(ns, name, () -> "Aborted".equals(state(aborted)));
            assertThat(events(promoted).stream().filter(e -> "HookSucceeded".equals(e.get("type"))).count()).isEqualTo(1);

            String analysisSecret = secretNames.stream().filter(s -> !s.contains("slack")).findFirst().orElseThrow();
            assertThat(headerValues.value("Authorization", new AnalysisSpec.FromSecret(analysisSecret, "token"), Map.of()))
                    .isEqualTo("t-" + analysisSecret);
            String slackSecret = secretNames.stream().filter(s -> s.contains("slack")).findFirst().orElseThrow();
            assertThat(SlackSettingsProbe.resolveFromSecret(client, config, slackSecret).botToken()).contains("xoxb-" + slackSecret);
            // the informers of the cluster watch have listed and are watching
            await().atMost(Duration.ofSeconds(30)).until(() -> enforcing.seen.stream().filter(r -> "watch".equals(r.verb()))
                    .map(ApiRequest::resource).distinct().count() == 2);
        } finally {
            ClusterWatchProbe.stop(watch);
        }

        assertThat(enforcing.refused).as("requests k8s/ does not grant").isEmpty();
        assertThat(rules.grants()).as("grants in k8s/ that no request used")
                .allSatisfy(g -> assertThat(enforcing.seen).anySatisfy(r -> assertThat(rules.allowing(r)).contains(g)));
    }

    /** Waits for {@code done}, meanwhile completing the release's Jobs and making its Deployments ready. */
    void awaitPlayingControllers(String ns, String rollout, BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            playControllers(ns, rollout);
            return done.getAsBoolean();
        });
    }

    void playControllers(String ns, String rollout) {
        try {
            for (Job job : controllers.batch().v1().jobs().inNamespace(ns).withLabel(KubeNames.LABEL_ROLLOUT, rollout).list()
                    .getItems()) {
                if (job.getStatus() != null && job.getStatus().getSucceeded() != null) {
                    continue;
                }
                String jobName = job.getMetadata().getName();
                // the Job controller's pod, whose log the engine reads
                if (controllers.pods().inNamespace(ns).withName(jobName + "-pod").get() == null) {
                    controllers.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(jobName + "-pod")
                            .withNamespace(ns).addToLabels("job-name", jobName).endMetadata().withNewSpec().addNewContainer()
                            .withName("m").withImage("m:1").endContainer().endSpec().build()).create();
                }
                job.setStatus(new JobStatusBuilder().withSucceeded(1).withActive(0).addNewCondition().withType("Complete")
                        .withStatus("True").endCondition().build());
                controllers.batch().v1().jobs().inNamespace(ns).resource(job).updateStatus();
            }
            for (Deployment d : controllers.apps().deployments().inNamespace(ns).list().getItems()) {
                if (!d.getMetadata().getName().startsWith(rollout)) {
                    continue;
                }
                int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
                var s = d.getStatus();
                if (s != null && Integer.valueOf(replicas).equals(s.getReadyReplicas())
                        && Integer.valueOf(replicas).equals(s.getUpdatedReplicas()) && Long.valueOf(generation).equals(s.getObservedGeneration())) {
                    continue;
                }
                d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
                        .withAvailableReplicas(replicas).withUpdatedReplicas(replicas).withObservedGeneration(generation).build());
                controllers.apps().deployments().inNamespace(ns).resource(d).updateStatus();
            }
        } catch (KubernetesClientException e) {
            // changed meanwhile by the engine: the next poll plays again
        }
    }

    @Test
    void theManifestsProbePathsAnswerWithoutCredentials() {
        useNobody();
        for (String path : Manifests.probePaths(Manifests.kustomization(Manifests.BASE).one(Deployment.class))) {
            given().get(path).then().statusCode(200);
        }
    }
}
