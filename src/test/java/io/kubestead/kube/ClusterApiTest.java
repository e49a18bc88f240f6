package io.kubestead.kube;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ClusterApiTest extends io.kubestead.testing.ApiTest {

    @Test
    void theClusterInUseIsReported() {
        // tests drive a mock API server through the standard client configuration: not the sandbox
        given().get("/api/v1/cluster").then().statusCode(200)
                .body("mode", equalTo("kubernetes")).body("sandbox", equalTo(false))
                .body("defaultNamespace", equalTo("default")).body("apiServer", notNullValue());
    }

    @Test
    void hookJobNamesAreDeterministicAndAtMost63Characters() {
        assertThat(KubeNames.hookJob("users-service", 12, "run-expand-migration", 1))
                .isEqualTo("users-service-12-run-expand-migration");
        assertThat(KubeNames.hookJob("users-service", 12, "run-expand-migration", 2))
                .isEqualTo("users-service-12-run-expand-migration-a2");
        String longName = KubeNames.hookJob("a".repeat(63), 123456, "b".repeat(63), 1);
        assertThat(longName).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(KubeNames.hookJob("a".repeat(63), 123456, "b".repeat(63), 1)).isEqualTo(longName);
        assertThat(KubeNames.hookJob("a".repeat(63), 123457, "b".repeat(63), 1)).isNotEqualTo(longName);
    }

    @Test
    void canaryReplicasFollowTheWeight() {
        assertThat(Workloads.canaryReplicas(3, 5)).isEqualTo(1);
        assertThat(Workloads.canaryReplicas(3, 0)).isZero();
        assertThat(Workloads.canaryReplicas(3, 34)).isEqualTo(2);
        assertThat(Workloads.canaryReplicas(3, 100)).isEqualTo(3);
        assertThat(Workloads.canaryReplicas(10, 1)).isEqualTo(1);
    }
}
