package io.kubestead.release;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ReleaseApiTest extends ApiTest {

    static String rollout() throws Exception {
        String name = unique("rel");
        String spec = Files.readString(Path.of("examples/users-service.yaml")).replace("name: users-service", "name: " + name);
        given().contentType(YAML).body(spec).put("/api/v1/rollouts/" + name).then().statusCode(201);
        return name;
    }

    static String release(String rollout, String version) {
        return as(tokenFor("alice", "operator")).contentType("application/json")
                .body("{\"version\": \"" + version + "\", \"image\": \"registry.example.com/users:" + version + "\"}")
                // a client can no longer name itself: the principal is recorded, whatever this header says
                .header("Kubestead-Actor", "system:engine")
                .post("/api/v1/rollouts/" + rollout + "/releases")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/releases/"))
                .body("state", equalTo("Pending"))
                .body("revision", equalTo(1))
                .body("steps", equalTo(4))
                .extract().header("Location");
    }

    @Test
    void aReleaseStartsPendingWithItsFirstEvent() throws Exception {
        String rollout = rollout();
        String location = release(rollout, "1.2.0");
        given().get(location).then().statusCode(200)
                .body("rollout", equalTo(rollout)).body("version", equalTo("1.2.0"))
                .body("image", equalTo("registry.example.com/users:1.2.0"))
                .body("createdAt", notNullValue());
        given().get(location + "/events").then().statusCode(200)
                .body("items[0].type", equalTo("Created"))
                .body("items[0].to", equalTo("Pending"))
                .body("items[0].actor", equalTo("token:alice (alice)"))
                .body("items[0].details.image", equalTo("registry.example.com/users:1.2.0"));
    }

    @Test
    void oneRolloutRunsOneReleaseAtATime() throws Exception {
        String rollout = rollout();
        release(rollout, "1.0.0");
        given().contentType("application/json").body("{\"version\": \"1.0.1\", \"image\": \"app:1.0.1\"}")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("already has a release"));
        given().delete("/api/v1/rollouts/" + rollout).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("unfinished release"));
    }

    @Test
    void listFiltersByRolloutAndState() throws Exception {
        String rollout = rollout();
        release(rollout, "2.0.0");
        given().queryParam("rollout", rollout).queryParam("state", "Pending").get("/api/v1/releases").then()
                .statusCode(200).body("items", hasSize(1)).body("total", equalTo(1))
                .body("items[0].version", equalTo("2.0.0"));
        given().queryParam("rollout", rollout).queryParam("state", "Promoted").get("/api/v1/releases").then()
                .statusCode(200).body("items", hasSize(0));
        given().queryParam("state", "Done").get("/api/v1/releases").then().statusCode(400)
                .body("errors[0].path", equalTo("state"));
    }

    @Test
    void badReleaseBodiesNameTheirFields() throws Exception {
        String rollout = rollout();
        given().contentType("application/json").body("{\"image\": \"has space\", \"extra\": 1}")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.path", hasItem("version"))
                .body("errors.path", hasItem("image"))
                .body("errors.path", hasItem("extra"));
        given().contentType("application/json").body("{\"version\": ")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType("application/json").body("[]")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(400);
        given().contentType("text/plain").body("x")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(415);
    }

    @Test
    void unknownRolloutsAndReleasesAre404() {
        given().contentType("application/json").body("{\"version\": \"1\", \"image\": \"a:1\"}")
                .post("/api/v1/rollouts/no-such-rollout/releases").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/releases/999999999").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/releases/abc").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/releases/abc/events").then().statusCode(404);
    }

    @Test
    void documentsOverOneMebibyteAre413Problems() {
        String big = "rollout:\n  name: big\n" + "# filler\n".repeat(120_000);
        given().contentType(YAML).body(big).put("/api/v1/rollouts/big").then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void hostileYamlIsRefusedWith400() {
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'i'; c++) {
            b.append(c).append(": &").append(c).append(" [").append(("*" + prev + ",").repeat(8)).append('*').append(prev)
                    .append("]\n");
            prev = c;
        }
        given().contentType(YAML).body(b.toString()).put("/api/v1/rollouts/lol").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(YAML).body("[".repeat(10_000) + "]".repeat(10_000)).put("/api/v1/rollouts/deep")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
