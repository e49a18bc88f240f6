package io.kubestead.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

/** API tokens: shown once, never more than their user holds, revocable; users and role bindings through the API. */
@QuarkusTest
class TokenTest extends ApiTest {

    static final String PASSWORD = "a long enough password";

    String person(String name, String bindings) {
        given().contentType("application/json").body("{\"name\": \"" + name + "\", \"password\": \"" + PASSWORD
                + "\", \"bindings\": " + bindings + "}").post("/api/v1/users").then().statusCode(201)
                .header("Location", "/api/v1/users/" + name).body("kind", equalTo("user"));
        return name;
    }

    @Test
    void aPersonMakesATokenWithinTheirRolesAndItIsShownOnce() {
        String pat = person(unique("pat"), "[{\"role\": \"operator\", \"namespace\": \"payments\"}]");
        var basic = given().auth().preemptive().basic(pat, PASSWORD);
        // more than pat holds
        given().auth().preemptive().basic(pat, PASSWORD).contentType("application/json")
                .body("{\"name\": \"ci\", \"bindings\": [{\"role\": \"admin\"}]}").post("/api/v1/tokens").then()
                .statusCode(400).body("errors[0].path", equalTo("bindings[0]"));
        given().auth().preemptive().basic(pat, PASSWORD).contentType("application/json")
                .body("{\"name\": \"ci\", \"bindings\": [{\"role\": \"operator\", \"namespace\": \"orders\"}]}")
                .post("/api/v1/tokens").then().statusCode(400).body("errors[0].message", containsString("more than"));
        given().auth().preemptive().basic(pat, PASSWORD).contentType("application/json")
                .body("{\"name\": \"ci\", \"expiresIn\": \"400d\"}").post("/api/v1/tokens").then().statusCode(400)
                .body("errors[0].path", equalTo("expiresIn"));
        String token = basic.contentType("application/json").body("{\"name\": \"deploy-bot\", \"expiresIn\": \"30d\"}")
                .post("/api/v1/tokens").then().statusCode(201).body("token", startsWith("ks_"))
                .body("details.bindings[0].namespace", equalTo("payments")).extract().path("token");
        as(token).get("/api/v1/whoami").then().statusCode(200).body("actor", equalTo("token:deploy-bot (" + pat + ")"))
                .body("via", equalTo("token"));
        // listed without its secret, with when it was last used
        given().auth().preemptive().basic(pat, PASSWORD).get("/api/v1/tokens").then().statusCode(200)
                .body("items[0].prefix", equalTo(token.substring(0, 10) + "…")).body("items[0]", not(hasKey("token")))
                .body("items[0].lastUsedAt", notNullValue()).body(not(containsString(token.substring(10))));
        // a token cannot mint tokens
        as(token).contentType("application/json").body("{\"name\": \"again\"}").post("/api/v1/tokens").then()
                .statusCode(403).contentType("application/problem+json");
        // someone else's token is invisible to pat
        String other = tokenFor(unique("svc"), "viewer");
        long otherId = as(other).get("/api/v1/whoami").then().extract().jsonPath().getLong("token");
        given().auth().preemptive().basic(pat, PASSWORD).delete("/api/v1/tokens/" + otherId).then().statusCode(404);
        given().auth().preemptive().basic(pat, PASSWORD).queryParam("user", "admin").get("/api/v1/tokens").then()
                .statusCode(403);
    }

    @Test
    void revokingATokenOrDemotingItsUserTakesEffect() {
        String sam = unique("sam");
        String token = tokenFor(sam, "operator");
        long id = as(token).get("/api/v1/whoami").then().statusCode(200).extract().jsonPath().getLong("token");
        as(token).get("/api/v1/releases").then().statusCode(200);

        // demoted to viewer: the token's operator binding no longer holds, so it may not even read
        given().contentType("application/json").body("{\"bindings\": [{\"role\": \"viewer\"}]}")
                .put("/api/v1/users/" + sam + "/bindings").then().statusCode(200).body("bindings[0].role", equalTo("viewer"));
        as(token).get("/api/v1/whoami").then().statusCode(200).body("bindings", empty());
        as(token).get("/api/v1/releases").then().statusCode(403).contentType("application/problem+json");

        given().delete("/api/v1/tokens/" + id).then().statusCode(200).body("revokedAt", notNullValue());
        as(token).get("/api/v1/whoami").then().statusCode(401).contentType("application/problem+json");
        given().queryParam("action", "RolesChanged").get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem(sam));
        given().queryParam("action", "TokenRevoked").get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem(sam));
    }

    @Test
    void adminsMakeTokensForServiceAccountsNotForPeople() {
        String person = person(unique("per"), "[{\"role\": \"viewer\"}]");
        given().contentType("application/json").body("{\"name\": \"x\", \"user\": \"" + person + "\"}")
                .post("/api/v1/tokens").then().statusCode(400).body("errors[0].path", equalTo("user"));
        given().contentType("application/json").body("{\"name\": \"svc-x\", \"kind\": \"service\", \"password\": \"0123456789abcdef\"}")
                .post("/api/v1/users").then().statusCode(400).body("errors[0].path", equalTo("password"));
        given().contentType("application/json").body("{\"name\": \"p\", \"password\": \"short\"}")
                .post("/api/v1/users").then().statusCode(400).body("errors[0].path", equalTo("password"));
        given().contentType("application/json").body("{\"name\": \"Bad Name\", \"password\": \"0123456789abcdef\", "
                + "\"bindings\": [{\"role\": \"king\"}, {\"role\": \"viewer\", \"namespace\": \"Not_A_Namespace\"}]}")
                .post("/api/v1/users").then().statusCode(400)
                .body("errors.path", hasItem("name")).body("errors.path", hasItem("bindings[0].role"))
                .body("errors.path", hasItem("bindings[1].namespace"));
        given().get("/api/v1/users/" + person).then().statusCode(200).body("$", not(hasKey("passwordHash")))
                .body(not(containsString("$2")));
    }

    @Test
    void aDisabledUsersTokensAndSessionsStopWorking() {
        String dora = person(unique("dora"), "[{\"role\": \"viewer\"}]");
        String token = given().auth().preemptive().basic(dora, PASSWORD).contentType("application/json")
                .body("{\"name\": \"laptop\"}").post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        as(token).get("/api/v1/releases").then().statusCode(200);
        given().post("/api/v1/users/" + dora + "/disable").then().statusCode(200).body("disabled", equalTo(true));
        as(token).get("/api/v1/releases").then().statusCode(401);
        given().auth().preemptive().basic(dora, PASSWORD).get("/api/v1/whoami").then().statusCode(401);
        given().get("/api/v1/users/nobody-" + dora).then().statusCode(404).body("detail", containsString("no user"));
        given().queryParam("action", "UserDisabled").get("/api/v1/audit").then().body("items.subject", hasItem(dora));
    }

    @Test
    void peopleChangeTheirOwnPasswordKnowingTheCurrentOne() {
        String eve = person(unique("eve"), "[{\"role\": \"viewer\"}]");
        given().auth().preemptive().basic(eve, PASSWORD).contentType("application/json")
                .body("{\"current\": \"wrong password!\", \"password\": \"a brand new password\"}")
                .put("/api/v1/users/" + eve + "/password").then().statusCode(400).body("errors[0].path", equalTo("current"));
        given().auth().preemptive().basic(eve, PASSWORD).contentType("application/json")
                .body("{\"current\": \"" + PASSWORD + "\", \"password\": \"a brand new password\"}")
                .put("/api/v1/users/" + eve + "/password").then().statusCode(204);
        given().auth().preemptive().basic(eve, "a brand new password").get("/api/v1/whoami").then().statusCode(200);
        // nobody else's
        given().auth().preemptive().basic(eve, "a brand new password").contentType("application/json")
                .body("{\"password\": \"taking over admin\"}").put("/api/v1/users/admin/password").then().statusCode(403);
    }
}
