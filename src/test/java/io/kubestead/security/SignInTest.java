package io.kubestead.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.kubestead.testing.MutableClock;
import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Sign-in: brute force is refused, and no answer tells whether a user exists. */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(SignInTest.LongRefusals.class)
class SignInTest extends ApiTest {

    /** Refusals that outlast the test's real running time; the test ends them by moving the server's clock. */
    public static class LongRefusals implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kubestead.security.lockout-base", "10m", "kubestead.security.lockout-max", "1h");
        }
    }

    static final String PASSWORD = "a long enough password";

    @Inject
    UserService users;

    @AfterEach
    void forgetFailures() throws Exception {
        // other tests sign in from the same address
        try (var c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null); var s = c.createStatement()) {
            s.execute("delete from sign_in_throttle");
        }
    }

    static String person(String name) {
        given().contentType("application/json").body("{\"name\": \"" + name + "\", \"password\": \"" + PASSWORD
                + "\", \"bindings\": [{\"role\": \"viewer\"}]}").post("/api/v1/users").then().statusCode(201);
        return name;
    }

    static Response signIn(String user, String password) {
        useNobody();
        try {
            return given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                    .formParam("username", user).formParam("password", password).post("/login");
        } finally {
            useAdmin();
        }
    }

    @Test
    void fiftyWrongPasswordsAreRefusedAndEvenTheRightOneWaits() {
        String bob = person(unique("bob"));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Response r = signIn(bob, "guess-" + i);
            statuses.add(r.statusCode());
            assertThat(r.getCookie(SessionService.COOKIE)).isNull();
            if (r.statusCode() == 429) {
                assertThat(r.header("Retry-After")).isNotNull();
            }
        }
        // five tries, then refusals that check no password at all
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 50)).containsOnly(429);
        Response right = signIn(bob, PASSWORD);
        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.getCookie(SessionService.COOKIE)).isNull();

        // the refusal lasts a while (the server's clock), then the right password works
        MutableClock.INSTANCE.advance(Duration.ofMinutes(11));
        Response later = signIn(bob, PASSWORD);
        assertThat(later.statusCode()).isEqualTo(303);
        assertThat(later.header("Set-Cookie")).startsWith(SessionService.COOKIE + "=").contains("HttpOnly")
                .contains("SameSite=Strict").doesNotContain("Secure");

        given().queryParam("action", "SignInFailed").queryParam("size", 100).get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem(bob)).body("items[0].client", notNullValue());
        given().queryParam("action", "SignInRefused").get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem(bob));
        given().queryParam("action", "SignIn").get("/api/v1/audit").then().statusCode(200)
                .body("items.subject", hasItem(bob));
    }

    @Test
    void anUnknownUserAndAWrongPasswordLookAndCostTheSame() {
        String known = person(unique("kim"));
        String unknown = unique("nobody");
        long before = Passwords.verifications();
        Response wrong = signIn(known, "not the password");
        long afterWrong = Passwords.verifications();
        Response missing = signIn(unknown, "not the password");
        long afterMissing = Passwords.verifications();
        assertThat(afterWrong - before).isEqualTo(1);
        assertThat(afterMissing - afterWrong).as("an unknown name is checked against a decoy hash").isEqualTo(1);
        assertThat(missing.statusCode()).isEqualTo(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.asString().replace(unknown, "NAME")).isEqualTo(wrong.asString().replace(known, "NAME"));

        // the API's Basic authentication: the same problem for both
        useNobody();
        String a = given().auth().preemptive().basic(known, "nope").get("/api/v1/whoami").then().statusCode(401)
                .contentType("application/problem+json").extract().asString();
        String b = given().auth().preemptive().basic(unknown, "nope").get("/api/v1/whoami").then().statusCode(401)
                .contentType("application/problem+json").extract().asString();
        assertThat(a).isEqualTo(b);
        // and it is never a Basic challenge, which would make a browser prompt
        given().get("/api/v1/whoami").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        given().auth().preemptive().basic(known, PASSWORD).get("/api/v1/whoami").then().statusCode(200)
                .body("actor", equalTo("user:" + known)).body("via", equalTo("password"));
    }

    @Test
    void oneAddressTryingManyNamesIsRefusedToo() {
        String address = "203.0.113.7";
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            outcomes.add(users.checkPassword(unique("spray"), "password-" + i, address, "console").getClass().getSimpleName());
        }
        assertThat(outcomes.subList(0, 20)).containsOnly("Failed");
        assertThat(outcomes.subList(20, 25)).containsOnly("Refused");
        // another address is not affected
        assertThat(users.checkPassword(unique("spray"), "x", "203.0.113.8", "console"))
                .isInstanceOf(UserService.SignIn.Failed.class);
    }

    @Test
    void basicAuthenticationIsThrottledWithProblemJson() {
        String carl = person(unique("carl"));
        useNobody();
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic(carl, "wrong-" + i).get("/api/v1/whoami").then().statusCode(401);
        }
        given().auth().preemptive().basic(carl, PASSWORD).get("/api/v1/whoami").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", notNullValue());
    }
}
