package io.kubestead.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.kube.KubeNames;
import io.kubestead.testing.ApiTest;
import io.restassured.path.json.JsonPath;

/** Helpers for engine tests: a namespace with a stable Deployment, specs, releases and their events. */
public abstract class EngineFixture extends ApiTest {

    public static Deployment stable(KubernetesClient client, String namespace, String name, int replicas, String image) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                    .create();
        }
        Deployment d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
        return client.apps().deployments().inNamespace(namespace).resource(d).create();
    }

    public static void jobTemplate(String name, Map<String, String> annotations) {
        StringBuilder ann = new StringBuilder();
        annotations.forEach((k, v) -> ann.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        String doc = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n"
                + (ann.isEmpty() ? "" : "  annotations:\n" + ann)
                + "spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
                + "        - name: migrate\n          image: migrations:1\n";
        given().contentType(YAML).body(doc).put("/api/v1/job-templates/" + name).then().statusCode(org.hamcrest.Matchers.anyOf(
                org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    public static void rollout(String name, String yamlBody) {
        given().contentType(YAML).body("rollout:\n  name: " + name + "\n" + yamlBody).put("/api/v1/rollouts/" + name)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
    }

    public static long release(String rollout, String version) {
        return given().contentType("application/json")
                .body("{\"version\": \"" + version + "\", \"image\": \"registry.example.com/" + rollout + ":" + version + "\"}")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static JsonPath get(long release) {
        return given().get("/api/v1/releases/" + release).then().statusCode(200).extract().jsonPath();
    }

    public static String state(long release) {
        return get(release).getString("state");
    }

    public static void awaitState(long release, String state) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> state.equals(state(release)));
    }

    public static List<Map<String, Object>> events(long release) {
        return given().queryParam("size", 500).get("/api/v1/releases/" + release + "/events").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    public static List<String> eventTypes(long release) {
        return events(release).stream().map(e -> (String) e.get("type")).toList();
    }

    public static void act(long release, String action, String actor, String reason) {
        as(tokenFor(actor, "admin")).contentType("application/json")
                .body(reason == null ? "" : "{\"reason\": \"" + reason + "\"}")
                .post("/api/v1/releases/" + release + "/" + action).then().log().ifValidationFails().statusCode(200);
    }

    public static List<Job> hookJobs(KubernetesClient client, String namespace, long release) {
        return client.batch().v1().jobs().inNamespace(namespace).withLabel(KubeNames.LABEL_RELEASE, String.valueOf(release))
                .list().getItems();
    }

    /**
     * Moves made twice or on a stale view, read from the history of promoted releases with {@code steps} canary
     * steps: an event that does not start in the state the previous one left, a step completed other than once, an
     * end other than one Promoted. Adds the engines named in the events to {@code engines}.
     */
    public static long doubleActions(List<Long> ids, int steps, java.util.Set<Object> engines) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            long wrong = 0;
            Map<Long, List<io.kubestead.release.ReleaseEvent>> byRelease = new java.util.HashMap<>();
            for (io.kubestead.release.ReleaseEvent e : io.kubestead.release.ReleaseEvent
                    .<io.kubestead.release.ReleaseEvent>list("releaseId in ?1 order by id", ids)) {
                byRelease.computeIfAbsent(e.releaseId, k -> new java.util.ArrayList<>()).add(e);
            }
            for (long id : ids) {
                io.kubestead.release.ReleaseState state = null;
                Map<Object, Integer> completed = new java.util.HashMap<>();
                long promoted = 0;
                for (io.kubestead.release.ReleaseEvent e : byRelease.getOrDefault(id, List.of())) {
                    if (state != null && e.fromState != state) {
                        wrong++;
                    }
                    state = e.toState;
                    if (e.details != null && e.details.get("engine") != null) {
                        engines.add(e.details.get("engine"));
                    }
                    if ("StepCompleted".equals(e.type)) {
                        completed.merge(e.details.get("step"), 1, Integer::sum);
                    }
                    if ("Promoted".equals(e.type)) {
                        promoted++;
                    }
                }
                for (int step = 0; step < steps; step++) {
                    wrong += Math.abs(completed.getOrDefault(step, 0) - 1);
                }
                wrong += Math.abs(promoted - 1);
            }
            return wrong;
        });
    }
}
