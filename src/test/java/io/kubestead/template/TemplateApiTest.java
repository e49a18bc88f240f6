package io.kubestead.template;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TemplateApiTest extends ApiTest {

    static String job() throws Exception {
        return Files.readString(Path.of("examples/db-migration-job.yaml"));
    }

    @Test
    void jobTemplatesAreStoredReadListedAndDeleted() throws Exception {
        String name = unique("job");
        String doc = job().replace("name: db-migration-job", "name: " + name);
        given().contentType(YAML).body(doc).put("/api/v1/job-templates/" + name).then().statusCode(201)
                .header("Location", containsString("/api/v1/job-templates/" + name))
                .body("document.spec.template.spec.containers[0].name", equalTo("migrate"))
                .body("source", containsString("restartPolicy: Never"));
        given().contentType(YAML).body(doc).put("/api/v1/job-templates/" + name).then().statusCode(200);
        given().get("/api/v1/job-templates/" + name).then().statusCode(200).body("name", equalTo(name));
        given().queryParam("size", 500).get("/api/v1/job-templates").then().statusCode(200)
                .body("items.name", hasItem(name));
        given().delete("/api/v1/job-templates/" + name).then().statusCode(204);
        given().get("/api/v1/job-templates/" + name).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void jobManifestsAreCheckedWithTheKubernetesModel() throws Exception {
        given().contentType(YAML).body(job().replace("kind: Job", "kind: Deployment"))
                .put("/api/v1/job-templates/db-migration-job").then().statusCode(400).body("errors[0].path", equalTo("kind"));
        given().contentType(YAML).body(job().replace("restartPolicy: Never", "restartPolicy: Always"))
                .put("/api/v1/job-templates/db-migration-job").then().statusCode(400)
                .body("errors[0].path", equalTo("spec.template.spec.restartPolicy"));
        given().contentType(YAML).body(job().replace("backoffLimit: 0", "backoffLimit: many"))
                .put("/api/v1/job-templates/db-migration-job").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].message", containsString("Job manifest"));
        given().contentType(YAML).body(job().replace("          image: registry.example.com/users-service-migrations:1.0.0\n", ""))
                .put("/api/v1/job-templates/db-migration-job").then().statusCode(400)
                .body("errors[0].path", equalTo("spec.template.spec.containers[0].image"));
        given().contentType(YAML).body(job()).put("/api/v1/job-templates/another-name").then().statusCode(400)
                .body("errors[0].path", equalTo("metadata.name"));
        given().contentType(YAML).body(job().replace("backoffLimit: 0", "backoffLimt: 0"))
                .put("/api/v1/job-templates/db-migration-job").then().statusCode(400)
                .body("errors[0].path", equalTo("spec.backoffLimt"));
    }

    @Test
    void analysisTemplatesAreStoredUnderTheirName() {
        String name = unique("gate");
        String doc = "analysisTemplate:\n  name: " + name + "\n  provider:\n    web: {url: 'http://metrics.example.com/x', "
                + "jsonPath: $.rate}\n  successCondition: result < 0.01\n";
        given().contentType(YAML).body(doc).put("/api/v1/analysis-templates/" + name).then().statusCode(201)
                .body("document.analysisTemplate.name", equalTo(name));
        given().get("/api/v1/analysis-templates/" + name).then().statusCode(200);
        given().contentType(YAML).body(doc).put("/api/v1/analysis-templates/other").then().statusCode(400)
                .body("errors[0].path", equalTo("analysisTemplate.name"));
        given().contentType(YAML).body("name: x\n").put("/api/v1/analysis-templates/x").then().statusCode(400)
                .body("errors[0].path", equalTo("analysisTemplate"));
        given().delete("/api/v1/analysis-templates/" + name).then().statusCode(204);
        given().delete("/api/v1/analysis-templates/" + name).then().statusCode(404);
    }

    @Test
    void templateNamesInAddressesAreChecked() {
        given().contentType(YAML).body("analysisTemplate: {name: X}\n").put("/api/v1/analysis-templates/X")
                .then().statusCode(400).body("errors[0].path", equalTo("name"));
        given().get("/api/v1/other-templates/x").then().statusCode(404).contentType("application/problem+json");
    }
}
