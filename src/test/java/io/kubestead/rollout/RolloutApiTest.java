package io.kubestead.rollout;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RolloutApiTest extends ApiTest {

    static String spec(String name) throws Exception {
        return Files.readString(Path.of("examples/users-service.yaml")).replace("name: users-service", "name: " + name);
    }

    @Test
    void putCreatesRevisionOneAndAnIdenticalPutChangesNothing() throws Exception {
        String name = unique("svc");
        given().contentType(YAML).body(spec(name)).put("/api/v1/rollouts/" + name)
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/rollouts/" + name))
                .body("name", equalTo(name))
                .body("revision", equalTo(1))
                .body("spec.canarySteps[1].pause.duration", equalTo("5m"))
                .body("spec.preDeployHooks[0].failureAction", equalTo("abort"));
        given().contentType(YAML).body(spec(name)).put("/api/v1/rollouts/" + name)
                .then().statusCode(200).body("revision", equalTo(1));
        given().get("/api/v1/rollouts/" + name + "/revisions").then().statusCode(200).body("items", hasSize(1))
                .body("total", equalTo(1));
    }

    @Test
    void aChangedSpecMakesTheNextRevisionAndOldRevisionsStayReadable() throws Exception {
        String name = unique("svc");
        given().contentType(YAML).body(spec(name)).put("/api/v1/rollouts/" + name).then().statusCode(201);
        given().contentType(YAML).body(spec(name).replace("setWeight: 5", "setWeight: 10"))
                .put("/api/v1/rollouts/" + name).then().statusCode(200).body("revision", equalTo(2));
        given().get("/api/v1/rollouts/" + name + "/revisions").then().statusCode(200)
                .body("items.revision", equalTo(java.util.List.of(2, 1)));
        given().queryParam("size", 1).queryParam("page", 1).get("/api/v1/rollouts/" + name + "/revisions").then()
                .statusCode(200).body("items.revision", equalTo(java.util.List.of(1))).body("total", equalTo(2));
        given().queryParam("page", "abc").get("/api/v1/rollouts/" + name + "/revisions").then().statusCode(400)
                .body("errors[0].path", equalTo("page"));
        given().get("/api/v1/rollouts/" + name + "/revisions/1").then().statusCode(200)
                .body("spec.rollout.canarySteps[0].setWeight", equalTo(5));
        given().get("/api/v1/rollouts/" + name + "/revisions/2").then().statusCode(200)
                .body("spec.rollout.canarySteps[0].setWeight", equalTo(10));
        given().get("/api/v1/rollouts/" + name).then().statusCode(200)
                .body("revision", equalTo(2)).body("spec.canarySteps[0].setWeight", equalTo(10));
        given().get("/api/v1/rollouts/" + name + "/revisions/3").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/rollouts/" + name + "/revisions/x").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void jsonIsAcceptedAsTheEquivalentOfYaml() {
        String name = unique("json");
        String json = """
                {"rollout": {"name": "%s",
                  "preDeployHooks": [{"name": "run-expand-migration", "jobTemplate": "db-migration-job", "failureAction": "abort"}],
                  "canarySteps": [{"setWeight": 5}, {"pause": {"duration": "5m"}},
                                  {"analysis": {"template": "http-error-rate-gate"}}, {"setWeight": 100}]}}
                """.formatted(name);
        given().contentType("application/json").body(json).put("/api/v1/rollouts/" + name)
                .then().statusCode(201).body("spec.canarySteps", hasSize(4));
    }

    @Test
    void warningsNameTemplatesThatDoNotExistYet() throws Exception {
        String name = unique("warn");
        given().contentType(YAML).body(spec(name).replace("http-error-rate-gate", "no-such-gate"))
                .put("/api/v1/rollouts/" + name).then().statusCode(201)
                .body("warnings", hasItem(containsString("canarySteps[2].analysis.template")));
    }

    @Test
    void aPathNameThatDiffersFromTheDocumentIsA400() throws Exception {
        given().contentType(YAML).body(spec("other-name")).put("/api/v1/rollouts/" + unique("svc"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].path", equalTo("name"));
    }

    @Test
    void invalidDocumentsNameEveryPath() {
        String doc = """
                rollout:
                  name: Bad_Name
                  canarySteps:
                    - setweight: 5
                    - setWeight: 101
                    - pause:
                        duration: 5 minutes
                    - analysis: {}
                    - setWeight: 5
                      pause: {}
                """;
        given().contentType(YAML).body(doc).put("/api/v1/rollouts/x")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", notNullValue()).body("title", notNullValue()).body("status", equalTo(400))
                .body("errors.path", hasItem("name"))
                .body("errors.path", hasItem("canarySteps[0].setweight"))
                .body("errors.path", hasItem("canarySteps[1].setWeight"))
                .body("errors.path", hasItem("canarySteps[2].pause.duration"))
                .body("errors.path", hasItem("canarySteps[3].analysis.template"))
                .body("errors.path", hasItem("canarySteps[4]"))
                .body("errors.find { it.path == 'canarySteps[2].pause.duration' }.message",
                        containsString("\"5 minutes\" is not a duration like 30s, 5m, 1h30m"));
    }

    @Test
    void listIsPagedAndDeleteHidesTheRollout() throws Exception {
        String name = unique("del");
        given().contentType(YAML).body(spec(name)).put("/api/v1/rollouts/" + name).then().statusCode(201);
        given().queryParam("size", 1).get("/api/v1/rollouts").then().statusCode(200)
                .body("items", hasSize(1)).body("size", equalTo(1)).body("page", equalTo(0));
        given().queryParam("size", "many").get("/api/v1/rollouts").then().statusCode(400)
                .body("errors[0].path", equalTo("size"));
        given().delete("/api/v1/rollouts/" + name).then().statusCode(204);
        given().get("/api/v1/rollouts/" + name).then().statusCode(404).contentType("application/problem+json");
        given().delete("/api/v1/rollouts/" + name).then().statusCode(404);
        // a deleted name can be used again; its history continues
        given().contentType(YAML).body(spec(name)).put("/api/v1/rollouts/" + name).then().statusCode(201)
                .body("revision", equalTo(2));
    }

    @Test
    void unsupportedMediaTypeIs415AndEmptyBodyIs400() throws Exception {
        given().contentType("text/plain").body("hello").put("/api/v1/rollouts/x")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
        given().contentType(YAML).put("/api/v1/rollouts/x")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void unknownAddressesAndMethodsAreProblems() {
        given().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/rollouts/no-such-rollout").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no-such-rollout"));
        given().post("/api/v1/rollouts/x").then().statusCode(405).contentType("application/problem+json");
        given().get("/api/v1/rollouts/BAD").then().statusCode(404).body("errors", nullValue());
    }

    @Test
    void everyProblemHasTheSameShape() {
        given().contentType(YAML).body("rollout: [").put("/api/v1/rollouts/x").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("line"))
                .body("$", org.hamcrest.Matchers.hasKey("type"))
                .body("$", org.hamcrest.Matchers.hasKey("title"))
                .body("status", equalTo(400));
        given().contentType(YAML).body("rollout:\n  name: a\n  canarySteps: [{setWeight: x}]\n")
                .put("/api/v1/rollouts/a").then().statusCode(400)
                .body("errors.path", everyItem(notNullValue()))
                .body("errors.message", everyItem(notNullValue()));
    }
}
