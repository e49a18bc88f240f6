package io.kubestead.analysis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** The web provider against a metrics endpoint played by WireMock; step and background analysis. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAnalysisTest extends EngineFixture {

    @Inject
    KubernetesClient client;

    WireMockServer wiremock;
    String ns;
    String name;

    @BeforeAll
    void startWireMock() {
        wiremock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
    }

    @AfterAll
    void stopWireMock() {
        wiremock.stop();
    }

    @BeforeEach
    void setUp() {
        wiremock.resetAll();
        ns = unique("web");
        name = unique("api");
        stable(client, ns, name, 2, "img/" + name + ":1");
    }

    void template(String templateName, String extra) {
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: %s
                  provider:
                    web:
                      url: http://127.0.0.1:%d/metrics/{{args.service}}?version={{version}}
                      jsonPath: $.data.errorRate
                      headers:
                        Authorization: Bearer {{args.token}}
                  args:
                    token: s3cret
                  successCondition: result < 0.05
                  failureCondition: result >= 0.05
                  interval: 1s
                %s""".formatted(templateName, wiremock.port(), extra)).put("/api/v1/analysis-templates/" + templateName)
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    void errorRate(String body) {
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/metrics/" + name + "?version=2.0.0")).willReturn(okJson(body)));
    }

    @Test
    void aHealthyCanaryPasses() {
        template("web-gate", "  count: 2\n");
        errorRate("{\"data\": {\"errorRate\": 0.01}}");
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - analysis: {template: web-gate, args: {service: %s}}\n"
                .formatted(ns, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Promoted");
        wiremock.verify(2, getRequestedFor(urlEqualTo("/metrics/" + name + "?version=2.0.0"))
                .withHeader("Authorization", equalTo("Bearer s3cret")));
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath();
        assertThat(runs.getList("items[0].measurements.value", Float.class)).containsExactly(0.01f, 0.01f);
        assertThat(runs.getString("items[0].measurements[0].query")).contains("GET http://127.0.0.1").contains("$.data.errorRate");
    }

    @Test
    void failuresWithinTheLimitAreToleratedThenTheCanaryIsAborted() {
        template("web-gate-limit", "  count: 5\n  failureLimit: 1\n");
        errorRate("{\"data\": {\"errorRate\": 0.5}}");
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - analysis: {template: web-gate-limit, args: {service: %s}}\n"
                .formatted(ns, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Aborted");
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath();
        assertThat(runs.getList("items[0].measurements.phase")).containsExactly("Failed", "Failed");
        assertThat(events(id).get(events(id).size() - 1).get("reason").toString()).contains("web-gate-limit")
                .contains("value 0.5 met failureCondition 'result >= 0.05'").contains("failureLimit 1");
    }

    @Test
    void consecutiveErrorsBeyondTheLimitAbort() {
        template("web-gate-errors", "  count: 3\n  consecutiveErrorLimit: 1\n");
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/metrics/" + name + "?version=2.0.0")).willReturn(aResponse().withStatus(503)));
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - analysis: {template: web-gate-errors, args: {service: %s}}\n"
                .formatted(ns, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Aborted");
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath();
        assertThat(runs.getList("items[0].measurements.phase")).containsExactly("Error", "Error");
        assertThat(runs.getString("items[0].measurements[0].message")).contains("HTTP 503");
        assertThat(events(id).get(events(id).size() - 1).get("reason").toString()).contains("could not be taken");
    }

    @Test
    void anInconclusiveMeasurementPausesForAPersonWhoseResumePassesTheGate() {
        template("web-gate-unsure", "  count: 1\n");
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: web-gate-unsure
                  provider:
                    web: {url: 'http://127.0.0.1:%d/metrics/{{args.service}}?version={{version}}', jsonPath: $.data.errorRate}
                  successCondition: result < 0.01
                  failureCondition: result > 0.10
                  interval: 1s
                """.formatted(wiremock.port())).put("/api/v1/analysis-templates/web-gate-unsure").then().statusCode(200);
        errorRate("{\"data\": {\"errorRate\": 0.05}}");
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - analysis: {template: web-gate-unsure, args: {service: %s}}\n"
                .formatted(ns, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Paused");
        assertThat(get(id).getString("pauseKind")).isEqualTo("analysis");
        act(id, "resume", "hank", "5% is fine for this service");
        awaitState(id, "Promoted");
    }

    @Test
    void backgroundAnalysisAbortsWheneverItFails() {
        template("web-background", "");
        errorRate("{\"data\": {\"errorRate\": 0.001}}");
        rollout(name, """
                  target: {namespace: %s}
                  analysis:
                    templates: [web-background]
                    startingStep: 1
                    args: {service: %s}
                  canarySteps:
                    - setWeight: 20
                    - pause: {}
                """.formatted(ns, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Paused");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> given()
                .get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath().getList("items[0].measurements").size() >= 2);
        assertThat(state(id)).isEqualTo("Paused");
        errorRate("{\"data\": {\"errorRate\": 0.3}}");
        awaitState(id, "Aborted");
        Map<String, Object> last = events(id).get(events(id).size() - 1);
        assertThat(last.get("type")).isEqualTo("AnalysisFailed");
        assertThat(((Map<?, ?>) last.get("details")).get("background")).isEqualTo(true);
        assertThat(get(id).getInt("weight")).isZero();
    }

    /** A measurement that cannot be taken says why in a few words and keeps the request as sent; nothing else. */
    void measuresAnError(String url, String jsonPath, String expected) {
        String t = unique("egress");
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: %s
                  provider:
                    web: {url: "%s", jsonPath: "%s"}
                  successCondition: result < 0.05
                  consecutiveErrorLimit: 0
                """.formatted(t, url, jsonPath)).put("/api/v1/analysis-templates/" + t).then().statusCode(201);
        String rollout = unique("eg");
        stable(client, ns, rollout, 2, "img/" + rollout + ":1");
        rollout(rollout, "  target: {namespace: %s}\n  canarySteps:\n    - setWeight: 50\n    - analysis: {template: %s}\n"
                .formatted(ns, t));
        long id = release(rollout, "2.0.0");
        awaitState(id, "Aborted");
        JsonPath runs = given().get("/api/v1/releases/" + id + "/analysis").then().extract().jsonPath();
        assertThat(runs.getString("items[0].measurements[0].phase")).isEqualTo("Error");
        assertThat(runs.getString("items[0].measurements[0].message")).isEqualTo(expected);
        assertThat(runs.getString("items[0].measurements[0].query")).isEqualTo("GET " + url + " " + jsonPath);
        assertThat(runs.getString("items[0].measurements[0].value")).isNull();
    }

    @Test
    void redirectsInternalAddressesAndOddValuesAreErrorsThatRevealNothing() {
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/moved"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "http://169.254.169.254/latest/meta-data")));
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/secret"))
                .willReturn(okJson("{\"data\": {\"errorRate\": \"AKIA-very-secret-key\"}}")));
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/html"))
                .willReturn(aResponse().withStatus(500).withBody("<html>stack trace with a password=swordfish</html>")));
        String base = "http://127.0.0.1:" + wiremock.port();
        measuresAnError(base + "/moved", "$.data.errorRate", "HTTP 302 (redirects are not followed)");
        measuresAnError(base + "/secret", "$.data.errorRate", "the value at jsonPath is a string, not a number or boolean");
        measuresAnError(base + "/html", "$.data.errorRate", "HTTP 500");
        measuresAnError("http://169.254.169.254/latest/meta-data", "$.x",
                "169.254.169.254 is not in kubestead.analysis.allowed-hosts");
        // nothing of the answers is served back
        String all = given().get("/api/v1/releases?size=500").then().extract().asString();
        assertThat(all).doesNotContain("AKIA").doesNotContain("swordfish");
    }

    @Test
    void templatesCannotPollTooOftenWaitTooLongOrCarryCredentials() {
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: greedy
                  provider:
                    web: {url: "http://user:hunter2@127.0.0.1/x", jsonPath: "$.a", timeout: 366d}
                  successCondition: result < 1
                  interval: 1ms
                  count: 100000
                """).put("/api/v1/analysis-templates/greedy").then().statusCode(400)
                .body("errors.path", org.hamcrest.Matchers.hasItems("analysisTemplate.provider.web.url",
                        "analysisTemplate.provider.web.timeout", "analysisTemplate.interval", "analysisTemplate.count"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("hunter2")));
    }

    @Test
    void aPlantedSecretIsUsedAndNeverServedPagedOrLogged() throws Exception {
        String planted = "PLANTED-" + java.util.UUID.randomUUID();
        client.secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("metrics-token").withNamespace("default").endMetadata()
                .addToData("authorization", java.util.Base64.getEncoder().encodeToString(("Bearer " + planted).getBytes()))
                .build()).createOr(r -> r.update());
        String t = unique("secret-gate");
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: %s
                  provider:
                    web:
                      url: http://127.0.0.1:%d/metrics/{{args.service}}?version={{version}}
                      jsonPath: $.data.errorRate
                      headers:
                        Authorization: {valueFrom: {secretKeyRef: {name: metrics-token, key: authorization}}}
                        X-Literal: also-%s
                  successCondition: result < 0.05
                  count: 1
                """.formatted(t, wiremock.port(), planted)).put("/api/v1/analysis-templates/" + t).then().statusCode(201);
        errorRate("{\"data\": {\"errorRate\": 0.01}}");
        rollout(name, "  target: {namespace: %s}\n  canarySteps:\n    - analysis: {template: %s, args: {service: %s}}\n"
                .formatted(ns, t, name));
        long id = release(name, "2.0.0");
        awaitState(id, "Promoted");
        wiremock.verify(1, getRequestedFor(urlEqualTo("/metrics/" + name + "?version=2.0.0"))
                .withHeader("Authorization", equalTo("Bearer " + planted)));

        java.util.List<String> seen = new java.util.ArrayList<>();
        seen.add(given().get("/api/v1/analysis-templates/" + t).then().statusCode(200)
                .body("document.analysisTemplate.provider.web.headers.X-Literal", org.hamcrest.Matchers.equalTo("***"))
                .extract().asString());
        seen.add(given().get("/api/v1/analysis-templates").then().extract().asString());
        seen.add(given().get("/api/v1/releases/" + id + "/analysis").then().extract().asString());
        seen.add(given().queryParam("size", 500).get("/api/v1/releases/" + id + "/events").then().extract().asString());
        seen.add(given().get("/templates/analysis/" + t).then().statusCode(200).extract().asString());
        seen.add(given().get("/releases/" + id).then().statusCode(200).extract().asString());
        seen.add(java.nio.file.Files.readString(java.nio.file.Path.of("target/kubestead-test.log")));
        for (String s : seen) {
            assertThat(s).doesNotContain(planted);
        }
        // a reference to a variable outside the analysis prefix is refused when the template is stored
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: env-grab
                  provider:
                    web:
                      url: http://127.0.0.1:1/x
                      jsonPath: $.a
                      headers: {X-Steal: {valueFrom: {env: QUARKUS_DATASOURCE_PASSWORD}}}
                  successCondition: result < 1
                """).put("/api/v1/analysis-templates/env-grab").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("analysisTemplate.provider.web.headers.X-Steal.valueFrom.env"));
    }

    @Inject
    EgressPolicy egress;

    @Inject
    MetricProviders providers;

    @Test
    void theNameIsResolvedOnceAndTheRequestGoesToTheCheckedAddress() throws Exception {
        wiremock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/pinned")).willReturn(okJson("{\"v\": 7}")));
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        // a name no real name server knows: only the answer the policy checked can take the request anywhere
        egress.resolveWith(host -> {
            if (!"metrics.pinned.test".equals(host)) {
                throw new java.net.UnknownHostException(host);
            }
            // a rebinding name server: the first answer passes the policy, any later one would be the metadata address
            return new java.net.InetAddress[] { java.net.InetAddress.getByName(lookups.getAndIncrement() == 0
                    ? "127.0.0.1" : "169.254.169.254") };
        });
        try {
            MetricProviders.Reading r = providers.measure(new AnalysisSpec.Web("http://metrics.pinned.test:" + wiremock.port()
                    + "/pinned", "$.v", Map.of(), java.time.Duration.ofSeconds(5)), Map.of());
            assertThat(r.value()).isEqualTo(7.0);
            assertThat(lookups.get()).isEqualTo(1);
            wiremock.verify(getRequestedFor(urlEqualTo("/pinned")).withHeader("Host",
                    equalTo("metrics.pinned.test:" + wiremock.port())));
            // the next measurement resolves again, and the rebound answer is refused before any connection
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> providers.measure(new AnalysisSpec.Web(
                    "http://metrics.pinned.test:" + wiremock.port() + "/pinned", "$.v", Map.of(), java.time.Duration.ofSeconds(5)),
                    Map.of())).hasMessageContaining("metrics.pinned.test is not in kubestead.analysis.allowed-hosts");
            wiremock.verify(1, getRequestedFor(urlEqualTo("/pinned")));
        } finally {
            egress.resolveWith(null);
        }
    }

    @Test
    void aTemplateMayNotSetTheHostHeader() {
        given().contentType(YAML).body("""
                analysisTemplate:
                  name: host-header
                  provider:
                    web: {url: 'http://127.0.0.1:%d/x', jsonPath: $.v, headers: {Host: internal.example}}
                """.formatted(wiremock.port())).put("/api/v1/analysis-templates/host-header").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("analysisTemplate.provider.web.headers.Host"));
    }
}
