package io.kubestead.kube;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.quarkus.test.junit.QuarkusTest;

/** The sandbox's demo metric source: healthy canaries, and a release made to fail on purpose. */
@QuarkusTest
class SandboxMetricsTest extends EngineFixture {

    static final String ACTIVE = "io.kubestead.sandbox-active";

    @Test
    void existsOnlyOnTheSandbox() {
        given().queryParam("query", "up").get("/sandbox/prometheus/api/v1/query").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aVersionWithBadInItFailsTheErrorRateGate() {
        String good = unique("good");
        String bad = unique("bad");
        rollout(good, "  canarySteps:\n    - pause: {}\n");
        rollout(bad, "  canarySteps:\n    - pause: {}\n");
        release(good, "1.0.0");
        release(bad, "1.0.0-bad");
        System.setProperty(ACTIVE, "true");
        try {
            given().queryParam("query", "sum(rate(http_requests_total{service=\"" + good + "\",code=~\"5..\"}[1m]))")
                    .get("/sandbox/prometheus/api/v1/query").then().statusCode(200)
                    .body("status", equalTo("success")).body("data.resultType", equalTo("vector"))
                    .body("data.result[0].value[1]", equalTo("0.002"));
            given().queryParam("query", "sum(rate(http_requests_total{service=\"" + bad + "\"}[1m]))")
                    .get("/sandbox/prometheus/api/v1/query").then().statusCode(200)
                    .body("data.result[0].value[1]", equalTo("0.25"));
            given().get("/sandbox/prometheus/api/v1/query").then().statusCode(400)
                    .body("errors[0].path", equalTo("query"));
        } finally {
            System.clearProperty(ACTIVE);
        }
    }
}
