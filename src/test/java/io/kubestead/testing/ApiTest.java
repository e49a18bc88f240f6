package io.kubestead.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.HeaderConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Base of API tests: REST Assured sends YAML bodies as text, and every request is authenticated — as an admin
 * whose token the test created through the API (signing in with the test profile's first-admin password), unless
 * a test names another principal with {@link #as(String)}.
 */
public abstract class ApiTest {

    public static final String YAML = "application/yaml";
    public static final String ADMIN_PASSWORD = "test-admin-password-1";
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    static {
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs(YAML, ContentType.TEXT)
                .encodeContentTypeAs("text/plain", ContentType.TEXT))
                // a test's own Authorization header replaces the default one instead of adding a second
                .headerConfig(HeaderConfig.headerConfig().overwriteHeadersWithName("Authorization"));
    }

    @BeforeEach
    void authenticateAsAdmin() {
        useAdmin();
    }

    /** Makes every request of this test carry an admin token (one per server under test). */
    public static void useAdmin() {
        RestAssured.requestSpecification = null;
        String token = TOKENS.get(server());
        if (token == null || given().header("Authorization", "Bearer " + token).get("/api/v1/whoami").statusCode() != 200) {
            token = createToken("test-admin-" + UUID.randomUUID().toString().substring(0, 8), null,
                    RestAssured.given().auth().preemptive().basic("admin", ADMIN_PASSWORD));
            TOKENS.put(server(), token);
        }
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeader("Authorization", "Bearer " + token).build();
    }

    /** No credentials at all for the rest of this test. */
    public static void useNobody() {
        RestAssured.requestSpecification = null;
    }

    public static String adminToken() {
        useAdmin();
        return TOKENS.get(server());
    }

    /** A request with this bearer token instead of the admin's. */
    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /**
     * A token of service account {@code user} (created with these bindings, e.g. "operator@payments", if it does not
     * exist yet), named like the account: its events say {@code token:<user> (<user>)}.
     */
    public static String tokenFor(String user, String... bindings) {
        String key = server() + "/" + user + "/" + String.join(",", bindings);
        String cached = TOKENS.get(key);
        if (cached != null) {
            return cached;
        }
        StringBuilder list = new StringBuilder();
        for (String b : bindings) {
            int at = b.indexOf('@');
            list.append(list.length() == 0 ? "" : ",").append(at < 0 ? "{\"role\": \"" + b + "\"}"
                    : "{\"role\": \"" + b.substring(0, at) + "\", \"namespace\": \"" + b.substring(at + 1) + "\"}");
        }
        int status = given().header("Authorization", "Bearer " + adminToken()).contentType("application/json")
                .body("{\"name\": \"" + user + "\", \"kind\": \"service\", \"bindings\": [" + list + "]}")
                .post("/api/v1/users").statusCode();
        if (status != 201 && status != 409) {
            throw new IllegalStateException("could not create user " + user + ": " + status);
        }
        String token = createToken(user, user, given().header("Authorization", "Bearer " + adminToken()));
        TOKENS.put(key, token);
        return token;
    }

    private static String createToken(String name, String user, RequestSpecification as) {
        return as.contentType("application/json")
                .body(user == null ? "{\"name\": \"" + name + "\"}" : "{\"name\": \"" + name + "\", \"user\": \"" + user + "\"}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
    }

    private static String server() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
