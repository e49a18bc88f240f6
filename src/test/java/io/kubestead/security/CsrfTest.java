package io.kubestead.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Changes made with the console's session cookie need this origin and the page's CSRF token; anything else is
 * refused before it changes anything. Also the browser hardening headers and Host-independent Location headers.
 */
@QuarkusTest
class CsrfTest extends ApiTest {

    static final String PASSWORD = "a long enough password";
    static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

    record Session(String cookie, String csrf, String origin) {
    }

    Session signIn(String user) {
        given().contentType("application/json").body("{\"name\": \"" + user + "\", \"password\": \"" + PASSWORD
                + "\", \"bindings\": [{\"role\": \"admin\"}]}").post("/api/v1/users").then().statusCode(201);
        useNobody();
        String cookie = given().redirects().follow(false).formParam("username", user).formParam("password", PASSWORD)
                .post("/login").then().statusCode(303).extract().cookie(SessionService.COOKIE);
        String page = given().cookie(SessionService.COOKIE, cookie).get("/rollouts").then().statusCode(200).extract().asString();
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).isTrue();
        String origin = io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port;
        return new Session(cookie, m.group(1), origin);
    }

    RequestSpecification withCookie(Session s) {
        return given().redirects().follow(false).cookie(SessionService.COOKIE, s.cookie());
    }

    @Test
    void crossSiteChangesAreRefusedAndChangeNothing() {
        String rollout = unique("csrf");
        given().contentType(YAML).body("rollout:\n  name: " + rollout + "\n  canarySteps:\n    - pause: {}\n")
                .put("/api/v1/rollouts/" + rollout).then().statusCode(201);
        long id = given().contentType("application/json").body("{\"version\": \"1\", \"image\": \"img:1\"}")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(201).extract().jsonPath().getLong("id");
        int events = given().get("/api/v1/releases/" + id + "/events").then().extract().jsonPath().getInt("total");
        String alice = unique("alice");
        Session s = signIn(alice);
        useNobody();

        List<String> changes = new ArrayList<>();
        for (String action : List.of("pause", "resume", "promote", "promote-full", "abort", "retry")) {
            changes.add("/releases/" + id + "/actions/" + action);
            changes.add("/api/v1/releases/" + id + "/" + action);
        }
        changes.add("/releases/" + id + "/approvals");
        changes.add("/pipelines/none/approvals");
        changes.add("/pipelines/none/phases/expand/start");
        changes.add("/pipelines/none/backfill/pause");
        changes.add("/api/v1/pipelines/none/abort");
        changes.add("/api/v1/rollouts/" + rollout + "/releases");
        changes.add("/api/v1/tokens");
        changes.add("/api/v1/users");
        changes.add("/logout");
        List<String> wrong = new ArrayList<>();
        for (String path : changes) {
            // a form on another site posting to us: the browser sends the cookie and its own Origin
            check(wrong, path, withCookie(s).header("Origin", "https://evil.example")
                    .contentType("application/x-www-form-urlencoded").formParam("reason", "x"));
            // no Origin at all, no token
            check(wrong, path, withCookie(s).contentType("application/x-www-form-urlencoded").formParam("reason", "x"));
            // the right origin, but no token
            check(wrong, path, withCookie(s).header("Origin", s.origin()).contentType("application/json").body("{}"));
            // a token of another session
            check(wrong, path, withCookie(s).header("Origin", s.origin()).header(AccessFilter.CSRF_HEADER, "forged")
                    .contentType("application/json").body("{}"));
        }
        for (String method : List.of("PUT", "DELETE")) {
            check(wrong, "/api/v1/rollouts/" + rollout, withCookie(s).header("Origin", "https://evil.example")
                    .contentType("application/json").body("{}"), method);
        }
        assertThat(wrong).isEmpty();

        useAdmin();
        given().get("/api/v1/releases/" + id).then().body("state", equalTo("Pending"));
        given().get("/api/v1/releases/" + id + "/events").then().body("total", equalTo(events));
        given().get("/api/v1/rollouts/" + rollout).then().statusCode(200).body("revision", equalTo(1));

        // the same action from the console page, with its token, works and is recorded under the person's name
        useNobody();
        withCookie(s).header("Origin", s.origin()).header(AccessFilter.CSRF_HEADER, s.csrf()).header("HX-Request", "true")
                .contentType("application/x-www-form-urlencoded").formParam("reason", "from the console")
                .post("/releases/" + id + "/actions/abort").then().statusCode(200).body(not(containsString("role=\"alert\"")));
        // an empty-body API action with the cookie must say it is JSON (a form cannot)
        withCookie(s).header("Origin", s.origin()).header(AccessFilter.CSRF_HEADER, s.csrf())
                .post("/api/v1/releases/" + id + "/retry").then().statusCode(415);
        useAdmin();
        given().get("/api/v1/releases/" + id + "/events").then().body("items[-1].type", equalTo("AbortRequested"))
                .body("items[-1].actor", equalTo("user:" + alice)).body("items[-1].reason", equalTo("from the console"));
    }

    void check(List<String> wrong, String path, RequestSpecification request) {
        check(wrong, path, request, "POST");
    }

    void check(List<String> wrong, String path, RequestSpecification request, String method) {
        Response r = request.request(method, path);
        if (r.statusCode() != 403 || !r.contentType().startsWith("application/problem+json")) {
            wrong.add(method + " " + path + " → " + r.statusCode() + " " + r.asString());
        }
    }

    @Test
    void pagesCarryHardeningHeadersAndLocationsIgnoreTheHostHeader() {
        Session s = signIn(unique("hal"));
        useNobody();
        Response page = withCookie(s).get("/rollouts");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self';")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("same-origin");
        // no page has an inline script or style attribute the policy would block
        assertThat(page.asString()).doesNotContain("<script>").doesNotContain(" style=\"");
        given().header("Host", "evil.example").header("Accept", "text/html").redirects().follow(false).get("/releases/1")
                .then().statusCode(303).header("Location", equalTo("/login?next=%2Freleases%2F1"));
        useAdmin();
        String rollout = unique("loc");
        given().header("Host", "evil.example").contentType(YAML)
                .body("rollout:\n  name: " + rollout + "\n  canarySteps:\n    - pause: {}\n")
                .put("/api/v1/rollouts/" + rollout).then().statusCode(201).header("Location", "/api/v1/rollouts/" + rollout);
        // a next= pointing elsewhere is ignored
        assertThat(LoginPaths.safeNext("https://evil.example/x")).isEqualTo("/");
        assertThat(LoginPaths.safeNext("//evil.example/x")).isEqualTo("/");
        assertThat(LoginPaths.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(LoginPaths.safeNext("/releases/7?x=1")).isEqualTo("/releases/7?x=1");
    }
}
