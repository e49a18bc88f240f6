package io.kubestead.template;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kubestead.kube.NamespacePolicyProbe;
import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

/** Hook Job templates meet the baseline Pod Security Standard; rollouts stay out of the cluster's own namespaces. */
@QuarkusTest
class PodPolicyTest extends ApiTest {

    static String job(String name, String annotations, String podSpec) {
        return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n" + annotations
                + "spec:\n  template:\n    spec:\n      restartPolicy: Never\n" + podSpec
                + "      containers:\n        - name: m\n          image: busybox\n";
    }

    @Test
    void aTemplateThatWouldOwnTheNodeIsRefusedAtEachField() {
        String name = unique("evil");
        given().contentType(YAML).body(job(name, "", """
                      hostPID: true
                      hostNetwork: true
                      serviceAccountName: cluster-admin
                      volumes:
                        - name: root
                          hostPath: {path: /}
                """).replace("containers:\n        - name: m\n          image: busybox\n",
                "containers:\n        - name: m\n          image: busybox\n          securityContext: {privileged: true}\n"))
                .put("/api/v1/job-templates/" + name).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.path", hasItems("spec.template.spec.hostPID", "spec.template.spec.hostNetwork",
                        "spec.template.spec.serviceAccountName", "spec.template.spec.volumes[0].hostPath",
                        "spec.template.spec.containers[0].securityContext.privileged"));
        given().get("/api/v1/job-templates/" + name).then().statusCode(404);
    }

    @Test
    void aWaiverIsExplicitAndAudited() {
        String name = unique("waived");
        given().contentType(YAML).body(job(name, "  annotations: {kubestead.io/pod-security: privileged}\n",
                "      hostPID: true\n")).put("/api/v1/job-templates/" + name).then().statusCode(201);
        given().queryParam("action", "PodSecurityWaived").get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem("job-template/" + name))
                .body("items[0].details.violations[0]", containsString("spec.template.spec.hostPID"));
        // a level the server does not know is refused, not treated as a waiver
        String odd = unique("odd");
        given().contentType(YAML).body(job(odd, "  annotations: {kubestead.io/pod-security: lax}\n", ""))
                .put("/api/v1/job-templates/" + odd).then().statusCode(400)
                .body("errors[0].path", equalTo("metadata.annotations[kubestead.io/pod-security]"));
    }

    @Test
    void aTemplateMayAskForTheRestrictedStandard() {
        String name = unique("strict");
        given().contentType(YAML).body(job(name, "  annotations: {kubestead.io/pod-security: restricted}\n", ""))
                .put("/api/v1/job-templates/" + name).then().statusCode(400)
                .body("errors.path", hasItem("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"));
        given().contentType(YAML).body(job(name, "", "")).put("/api/v1/job-templates/" + name).then().statusCode(201);
    }

    @Test
    void rolloutsCannotTargetTheClustersOwnNamespaces() {
        String name = unique("sys");
        given().contentType(YAML).body("rollout:\n  name: " + name + "\n  target: {namespace: kube-system}\n"
                + "  canarySteps:\n    - setWeight: 10\n").put("/api/v1/rollouts/" + name).then().statusCode(400)
                .body("errors[0].path", equalTo("target.namespace"));
    }

    @Test
    void namespaceEntries() {
        assertThat(NamespacePolicyProbe.allowed("team-a", List.of("team-*"))).isTrue();
        assertThat(NamespacePolicyProbe.allowed("other", List.of("team-*"))).isFalse();
        assertThat(NamespacePolicyProbe.allowed("kube-system", List.of("*"))).isFalse();
        assertThat(NamespacePolicyProbe.allowed("kube-system", List.of("kube-system"))).isTrue();
        assertThat(NamespacePolicyProbe.allowed("kube-public", List.of("kube-*"))).isFalse();
        assertThat(NamespacePolicyProbe.allowed("payments", List.of("default"))).isFalse();
    }
}
