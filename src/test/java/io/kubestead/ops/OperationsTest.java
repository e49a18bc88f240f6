package io.kubestead.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class OperationsTest extends io.kubestead.testing.ApiTest {

    @Test
    void theStartNamesEveryConfiguredTargetDatabaseReachableOrNot() throws Exception {
        // configured-db points at a port nothing listens on: named as unreachable, with neither its URL nor its user
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> java.nio.file.Files
                .readString(java.nio.file.Path.of("target/kubestead-test.log")).contains("Target database configured-db: unreachable (SQLSTATE"));
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("target/kubestead-test.log")))
                .doesNotContain("127.0.0.1:1/none").doesNotContain("\"user\":\"nobody\"");
    }

    @Test
    void healthIncludesTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void healthIsOpenButMetricsAndTheApiDescriptionNeedARole() {
        useNobody();
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(401).contentType("application/problem+json");
        given().get("/q/openapi").then().statusCode(401).contentType("application/problem+json");
        // what is not declared anywhere is refused, whoever asks
        given().get("/q/arc/beans").then().statusCode(401);
        as(tokenFor("ops-viewer", "viewer")).get("/q/metrics").then().statusCode(200);
        as(tokenFor("ops-viewer", "viewer")).get("/q/arc/beans").then().statusCode(403);
    }

    @Test
    void metricsAreInPrometheusFormat() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"))
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void openApiDescribesTheApi() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/rollouts/{name}"))
                .body("components.securitySchemes.token.scheme", equalTo("bearer"))
                .body("components.securitySchemes.basic.scheme", equalTo("basic"))
                .body("security.token", hasItem(org.hamcrest.Matchers.empty()));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
