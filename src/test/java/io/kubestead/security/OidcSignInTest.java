package io.kubestead.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** Single sign-on against a local OpenID Connect provider: the code flow, group → role mapping, forged tokens. */
@QuarkusTest
@TestProfile(OidcSignInTest.WithProvider.class)
class OidcSignInTest extends ApiTest {

    public static class WithProvider implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcProvider.class));
        }
    }

    static final Pattern STATE = Pattern.compile("[?&]state=([^&]+)");

    /** The browser's part of the code flow, with the provider answering {@code code}; the cookies at the end. */
    static Map<String, String> codeFlow(String code) {
        useNobody();
        Response start = given().redirects().follow(false).accept("text/html").get("/login/oidc");
        assertThat(start.statusCode()).isEqualTo(302);
        String authorize = start.header("Location");
        assertThat(authorize).contains("/realms/test/auth").contains("client_id=kubestead");
        Matcher m = STATE.matcher(authorize);
        assertThat(m.find()).isTrue();
        Map<String, String> cookies = new HashMap<>(start.cookies());
        // the provider sends the browser back with a code
        Response back = given().redirects().follow(false).accept("text/html").cookies(cookies)
                .queryParam("code", code).queryParam("state", m.group(1)).get("/login/oidc");
        cookies.putAll(back.cookies());
        if (back.statusCode() == 302) {
            Response done = given().redirects().follow(false).accept("text/html").cookies(cookies).get("/login/oidc");
            cookies.putAll(done.cookies());
            cookies.put("status", String.valueOf(done.statusCode()));
        } else {
            cookies.put("status", String.valueOf(back.statusCode()));
        }
        return cookies;
    }

    @Test
    void aPersonSignsInThroughTheProviderWithTheRolesOfTheirGroups() {
        useNobody();
        given().get("/login").then().statusCode(200).body(org.hamcrest.Matchers.containsString("id=\"sso\""));
        Map<String, String> cookies = codeFlow("good-code");
        assertThat(cookies.get("status")).isEqualTo("200");
        String session = cookies.get(SessionService.COOKIE);
        assertThat(session).isNotBlank();
        given().cookie(SessionService.COOKIE, session).get("/api/v1/whoami").then().statusCode(200)
                .body("actor", equalTo("oidc:pat@example.com")).body("via", equalTo("oidc"))
                .body("bindings.role", contains("viewer", "operator")).body("bindings[1].namespace", equalTo("payments"));
        // the console works with it, and its changes need the page's CSRF token like any session
        String page = given().cookie(SessionService.COOKIE, session).get("/rollouts").then().statusCode(200).extract().asString();
        assertThat(page).contains("oidc:pat@example.com");
        given().cookie(SessionService.COOKIE, session).header("Origin", "https://evil.example")
                .post("/api/v1/releases/1/abort").then().statusCode(403);
        useAdmin();
        given().queryParam("actor", "oidc:pat@example.com").get("/api/v1/audit").then().statusCode(200)
                .body("items[0].action", equalTo("SignIn")).body("items[0].details.channel", equalTo("oidc"));
    }

    @Test
    void anIdTokenSignedWithAnotherKeyOpensNoSession() {
        Map<String, String> cookies = codeFlow("forged-code");
        assertThat(cookies.get("status")).isEqualTo("401");
        assertThat(cookies.get(SessionService.COOKIE)).isNull();
        useAdmin();
    }

    @Test
    void groupsMapToBindingsAndEveryoneGetsTheStarMapping() {
        Map<String, String> mapping = new java.util.LinkedHashMap<>();
        mapping.put("*", "viewer");
        mapping.put("platform", "admin");
        mapping.put("payments-oncall", "operator@payments, approver@payments");
        assertThat(FederatedSignIn.bindings(java.util.Set.of("payments-oncall"), mapping).stream().map(Binding::toString))
                .containsExactly("viewer", "operator@payments", "approver@payments");
        assertThat(FederatedSignIn.bindings(java.util.Set.of(), Map.of("platform", "admin"))).isEmpty();
        assertThat(FederatedSignIn.groups(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(FederatedSignIn.groups("solo")).containsExactly("solo");
    }
}
