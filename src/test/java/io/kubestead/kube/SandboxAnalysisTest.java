package io.kubestead.kube;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The example analysis template, unchanged, on a server whose port is not 8080 (the tests' port is chosen at
 * random): its sandbox://prometheus source is this server's own demo source, so a bad version fails the gate and a
 * good one passes.
 */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class SandboxAnalysisTest extends EngineFixture {

    @jakarta.inject.Inject
    io.fabric8.kubernetes.client.KubernetesClient client;

    @AfterEach
    void leaveTheSandbox() {
        System.clearProperty(SandboxMetricsTest.ACTIVE);
    }

    @Test
    void theExampleTemplateWorksOnAnyPort() throws Exception {
        given().contentType(YAML).body(Files.readString(Path.of("examples/http-error-rate-gate.yaml")))
                .put("/api/v1/analysis-templates/http-error-rate-gate").then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
        System.setProperty(SandboxMetricsTest.ACTIVE, "true");
        String good = unique("good");
        String bad = unique("bad");
        String ns = unique("sbx");
        for (String name : new String[] { good, bad }) {
            stable(client, ns, name, 2, "registry.example.com/" + name + ":0.9.0");
            rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 20\n    - analysis:\n"
                    + "        template: http-error-rate-gate\n        args: {service: " + name + "}\n");
        }
        long passes = release(good, "1.0.0");
        long fails = release(bad, "1.0.0-bad");
        // the bad version's 25% errors fail the first measurement; the good one's 0.2% pass all three (10 s apart)
        awaitState(fails, "Aborted");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> "Promoted".equals(state(passes)));
    }
}
