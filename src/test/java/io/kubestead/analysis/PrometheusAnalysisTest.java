package io.kubestead.analysis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.kubestead.kube.KubeNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** The analysis gate against a real Prometheus scraping an exporter whose error rate the test controls. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusAnalysisTest extends EngineFixture {

    static final String SERVICE = "checkout";

    @Inject
    KubernetesClient client;

    PrometheusServer prometheus;

    @BeforeAll
    void startPrometheus() throws Exception {
        prometheus = new PrometheusServer(SERVICE, 0.001);
        prometheus.awaitData();
    }

    void storeTemplate() {
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: canary-error-rate
                  args:
                    service: %s
                  provider:
                    prometheus:
                      address: %s
                      query: |
                        sum(rate(http_requests_total{service="{{args.service}}",track="canary",code=~"5.."}[5s]))
                        /
                        sum(rate(http_requests_total{service="{{args.service}}",track="canary"}[5s]))
                  successCondition: result < 0.01
                  failureCondition: result >= 0.01
                  initialDelay: 3s
                  interval: 1s
                  count: 3
                """.formatted(SERVICE, prometheus.address())).put("/api/v1/analysis-templates/canary-error-rate")
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    @AfterAll
    void stopPrometheus() {
        prometheus.close();
    }

    String rolloutWithGate() {
        storeTemplate();
        String ns = unique("prom");
        String name = unique("shop");
        stable(client, ns, name, 4, "img/" + name + ":1");
        rollout(name, """
                  target: {namespace: %s}
                  canarySteps:
                    - setWeight: 25
                    - analysis: {template: canary-error-rate}
                    - setWeight: 100
                """.formatted(ns));
        return name;
    }

    @Test
    void aHealthyCanaryPassesTheGateAndIsPromoted() {
        prometheus.errorRatio(0.001);
        long id = release(rolloutWithGate(), "2.0.0");
        awaitState(id, "Promoted");
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().statusCode(200).extract().jsonPath();
        assertThat(runs.getString("items[0].status")).isEqualTo("Successful");
        assertThat(runs.getList("items[0].measurements.phase")).containsExactly("Successful", "Successful", "Successful");
        assertThat(runs.getDouble("items[0].measurements[0].value[0]")).isLessThan(0.01);
        assertThat(runs.getString("items[0].measurements[0].query")).contains("service=\"" + SERVICE + "\"");
    }

    @Test
    void anUnhealthyCanaryIsAbortedAutomaticallyWithTheEvidence() {
        prometheus.errorRatio(0.2);
        String name = rolloutWithGate();
        long id = release(name, "3.0.0");
        awaitState(id, "Aborted");
        Map<String, Object> aborted = events(id).get(events(id).size() - 1);
        assertThat(aborted.get("type")).isEqualTo("AnalysisFailed");
        assertThat(aborted.get("actor")).isEqualTo("system:engine");
        assertThat((String) aborted.get("reason")).contains("canary-error-rate").contains("met failureCondition 'result >= 0.01'")
                .containsPattern("value 0\\.(19|2)");
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().statusCode(200).extract().jsonPath();
        assertThat(runs.getString("items[0].status")).isEqualTo("Failed");
        List<String> phases = runs.getList("items[0].measurements.phase");
        assertThat(phases).last().isEqualTo("Failed");
        assertThat(runs.getString("items[0].measurements[-1].message")).contains("met failureCondition");
        assertThat(get(id).getInt("weight")).isZero();
        var canary = client.apps().deployments().inNamespace(namespaceOf(name)).withName(KubeNames.canary(name)).get();
        assertThat(canary.getSpec().getReplicas()).isZero();

        Map<?, ?> details = (Map<?, ?>) aborted.get("details");
        // the abort is recorded after the failing measurement it names
        assertThat(Instant.parse((String) aborted.get("at"))).isAfterOrEqualTo(Instant.parse((String) details.get("measuredAt")));
    }

    String namespaceOf(String rollout) {
        return given().get("/api/v1/rollouts/" + rollout).then().extract().jsonPath().getString("spec.target.namespace");
    }
}
