package io.kubestead.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.testing.ApiTest;
import io.kubestead.testing.MutableClock;
import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every operation of the OpenAPI document × every kind of principal, checked against one declared table of
 * rules. An operation missing from the table fails the test, and so does a REST method without an access rule.
 */
@QuarkusTest
class AccessMatrixTest extends ApiTest {

    /** Who asks. */
    enum Who {
        NOBODY, BAD_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN, VIEWER, APPROVER, OPERATOR_ELSEWHERE, OPERATOR, ADMIN
    }

    /**
     * One request and the rule that governs it. {@code scoped}: the resource lives in namespace team-a, so a binding
     * scoped to another namespace does not reach it. {@code deniedAs}: the status a refused principal gets when it
     * is not 403 (someone else's token is answered like one that does not exist).
     */
    record Row(String method, String template, Map<String, String> params, String body, Permission rule,
            boolean scoped, int deniedAs) {

        String key() {
            return method + " " + template;
        }

        String path() {
            String p = template;
            for (var e : params.entrySet()) {
                p = p.replace("{" + e.getKey() + "}", e.getValue());
            }
            return p;
        }
    }

    static final String NS = "team-a";

    @Inject
    TargetDatabases databases;

    @Test
    void everyOperationAnswersEveryPrincipalAsTheTableSays() throws Exception {
        // fixtures: a rollout in team-a with an active release, a pipeline on it, templates, a user and a token to act on
        String rollout = unique("matrix");
        given().contentType(YAML).body("rollout:\n  name: " + rollout + "\n  target: {namespace: " + NS + "}\n"
                + "  canarySteps:\n    - setWeight: 10\n").put("/api/v1/rollouts/" + rollout).then().statusCode(201);
        String pipelineRollout = unique("matrixp");
        given().contentType(YAML).body("rollout:\n  name: " + pipelineRollout + "\n  target: {namespace: " + NS + "}\n"
                + "  canarySteps:\n    - setWeight: 10\n").put("/api/v1/rollouts/" + pipelineRollout).then().statusCode(201);
        long release = given().contentType("application/json").body("{\"version\": \"1\", \"image\": \"img:1\"}")
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(201).extract().jsonPath().getLong("id");
        String job = unique("mjob");
        given().contentType(YAML).body("apiVersion: batch/v1\nkind: Job\nmetadata: {name: " + job + "}\nspec:\n  template:\n"
                + "    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox}]\n")
                .put("/api/v1/job-templates/" + job).then().statusCode(201);
        String db = targetDatabase();
        String pipeline = unique("mpl");
        given().contentType("application/json").body(pipelineBody(pipeline, pipelineRollout, db))
                .post("/api/v1/pipelines").then().statusCode(201);
        String victim = unique("victim");
        given().contentType("application/json").body("{\"name\": \"" + victim + "\", \"kind\": \"service\", "
                + "\"bindings\": [{\"role\": \"viewer\"}]}").post("/api/v1/users").then().statusCode(201);
        String otherToken = tokenFor(victim);
        long otherTokenId = as(otherToken).get("/api/v1/whoami").then().statusCode(200).extract().jsonPath().getLong("token");

        Map<Who, String> tokens = principals();
        List<Row> table = table(rollout, release, job, pipeline, pipelineRollout, db, victim, otherTokenId);

        Set<String> documented = operations();
        Set<String> declared = new TreeSet<>();
        table.forEach(r -> declared.add(r.key()));
        assertThat(declared).as("every operation of /q/openapi has rules in the table, and the table lists only those")
                .isEqualTo(documented);

        List<String> wrong = new ArrayList<>();
        useNobody();
        for (Who who : Who.values()) {
            for (Row row : table) {
                RequestSpecification request = who == Who.NOBODY ? given()
                        : given().header("Authorization", "Bearer " + tokens.get(who));
                if (row.body() != null) {
                    request.contentType("application/json").body(row.body());
                }
                Response response = request.request(row.method(), row.path());
                int expected = expected(who, row);
                int actual = response.statusCode();
                boolean ok = expected == 0 ? actual != 401 && actual != 403 && actual < 500 : actual == expected;
                if (ok && (actual == 401 || actual == 403)) {
                    ok = response.contentType().startsWith("application/problem+json");
                }
                if (!ok) {
                    wrong.add(who + " " + row.method() + " " + row.path() + ": expected "
                            + (expected == 0 ? "allowed" : expected) + ", got " + actual + " " + response.asString());
                }
            }
        }
        useAdmin();
        assertThat(wrong).isEmpty();
    }

    /** 0 means allowed: any answer but 401, 403 or a server error. */
    static int expected(Who who, Row row) {
        return switch (who) {
            case NOBODY -> row.rule() == Permission.PUBLIC ? 0 : 401;
            case BAD_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN -> 401;
            default -> {
                if (row.rule() == Permission.PUBLIC || row.rule() == Permission.SIGNED_IN) {
                    yield 0;
                }
                // declared here, independently of the server's own role table
                Set<Permission> grants = switch (who) {
                    case VIEWER -> Set.of(Permission.READ);
                    case APPROVER -> Set.of(Permission.READ, Permission.APPROVE);
                    case OPERATOR, OPERATOR_ELSEWHERE -> Set.of(Permission.READ, Permission.RELEASE_START,
                            Permission.RELEASE_ACT);
                    default -> Set.of(Permission.values());
                };
                String scope = switch (who) {
                    case OPERATOR -> NS;
                    case OPERATOR_ELSEWHERE -> "team-b";
                    default -> null;
                };
                boolean inScope = scope == null || row.rule() == Permission.READ || (row.scoped() && scope.equals(NS));
                boolean allowed = grants.contains(row.rule()) && inScope;
                yield allowed ? 0 : row.deniedAs();
            }
        };
    }

    Map<Who, String> principals() {
        Map<Who, String> t = new LinkedHashMap<>();
        t.put(Who.BAD_TOKEN, "ks_" + "x".repeat(43));
        // expiry is measured on the server's clock: a token made an hour long, then two hours pass
        String expiring = unique("expiring");
        tokenFor(expiring, "admin");
        t.put(Who.EXPIRED_TOKEN, given().contentType("application/json")
                .body("{\"name\": \"short\", \"user\": \"" + expiring + "\", \"expiresIn\": \"1h\"}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token"));
        String revoked = tokenFor(unique("revoked"), "admin");
        long revokedId = as(revoked).get("/api/v1/whoami").then().extract().jsonPath().getLong("token");
        given().delete("/api/v1/tokens/" + revokedId).then().statusCode(200).body("revokedBy", org.hamcrest.Matchers.startsWith("token:"));
        t.put(Who.REVOKED_TOKEN, revoked);
        t.put(Who.VIEWER, tokenFor(unique("viewer"), "viewer"));
        t.put(Who.APPROVER, tokenFor(unique("approver"), "approver"));
        t.put(Who.OPERATOR_ELSEWHERE, tokenFor(unique("op-b"), "operator@team-b"));
        t.put(Who.OPERATOR, tokenFor(unique("op-a"), "operator@" + NS));
        t.put(Who.ADMIN, tokenFor(unique("adm"), "admin"));
        MutableClock.INSTANCE.advance(Duration.ofHours(2));
        return t;
    }

    static List<Row> table(String rollout, long release, String job, String pipeline, String pipelineRollout, String db,
            String victim, long otherTokenId) {
        List<Row> rows = new ArrayList<>();
        String id = String.valueOf(release);
        rows.add(row("GET", "/api/v1/whoami", Map.of(), null, Permission.SIGNED_IN, false));
        rows.add(row("GET", "/api/v1/cluster", Map.of(), null, Permission.READ, false));
        rows.add(row("GET", "/sandbox/prometheus/api/v1/query", Map.of(), null, Permission.PUBLIC, false));
        rows.add(row("GET", "/api/v1/rollouts", Map.of(), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/rollouts/{name}", Map.of("name", rollout), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/rollouts/{name}/revisions", Map.of("name", rollout), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/rollouts/{name}/revisions/{revision}", Map.of("name", rollout, "revision", "1"), null,
                Permission.READ, false));
        rows.add(row("PUT", "/api/v1/rollouts/{name}", Map.of("name", rollout), "{\"rollout\": {\"name\": \"" + rollout
                + "\", \"target\": {\"namespace\": \"" + NS + "\"}, \"canarySteps\": [{\"setWeight\": 20}]}}",
                Permission.CONFIGURE, true));
        rows.add(row("DELETE", "/api/v1/rollouts/{name}", Map.of("name", rollout), null, Permission.CONFIGURE, true));
        rows.add(row("POST", "/api/v1/rollouts/{name}/releases", Map.of("name", rollout),
                "{\"version\": \"2\", \"image\": \"img:2\"}", Permission.RELEASE_START, true));
        rows.add(row("GET", "/api/v1/releases", Map.of(), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/releases/{id}", Map.of("id", id), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/releases/{id}/events", Map.of("id", id), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/releases/{id}/analysis", Map.of("id", id), null, Permission.READ, false));
        for (String action : List.of("pause", "resume", "promote", "retry", "abort")) {
            rows.add(row("POST", "/api/v1/releases/{id}/{action}", Map.of("id", id, "action", action), null,
                    Permission.RELEASE_ACT, true));
        }
        rows.add(row("POST", "/api/v1/releases/{id}/{action}", Map.of("id", id, "action", "promote-full"), null,
                Permission.PROMOTE_FULL, true));
        for (String kind : List.of("job-templates", "analysis-templates")) {
            rows.add(row("GET", "/api/v1/{kind}", Map.of("kind", kind), null, Permission.READ, false));
            rows.add(row("GET", "/api/v1/{kind}/{name}", Map.of("kind", kind, "name", job), null, Permission.READ, false));
            rows.add(row("PUT", "/api/v1/{kind}/{name}", Map.of("kind", kind, "name", "m-" + kind), "{}",
                    Permission.ADMINISTER, false));
            rows.add(row("DELETE", "/api/v1/{kind}/{name}", Map.of("kind", kind, "name", "m-" + kind), null,
                    Permission.ADMINISTER, false));
        }
        rows.add(row("GET", "/api/v1/pipelines", Map.of(), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/databases", Map.of(), null, Permission.READ, false));
        rows.add(row("POST", "/api/v1/databases/{name}/checks", Map.of("name", db),
                "{\"sql\": \"alter table users add column matrix_col text\"}", Permission.CONFIGURE, false));
        rows.add(row("GET", "/api/v1/checks", Map.of(), null, Permission.READ, false));
        String check = given().get("/api/v1/checks?pipeline=" + pipeline).then().statusCode(200).extract().jsonPath()
                .getString("items[0].id");
        rows.add(row("GET", "/api/v1/checks/{id}", Map.of("id", check), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/pipelines/{name}", Map.of("name", pipeline), null, Permission.READ, false));
        rows.add(row("POST", "/api/v1/pipelines", Map.of(), pipelineBody(pipeline, pipelineRollout, db),
                Permission.CONFIGURE, true));
        rows.add(row("POST", "/api/v1/pipelines/{name}/phases/{phase}/start", Map.of("name", pipeline, "phase", "migrate"),
                null, Permission.CONFIGURE, true));
        rows.add(row("POST", "/api/v1/pipelines/{name}/backfill/{action}", Map.of("name", pipeline, "action", "pause"),
                null, Permission.RELEASE_ACT, true));
        rows.add(row("POST", "/api/v1/pipelines/{name}/backfill/{action}", Map.of("name", pipeline, "action", "cancel"),
                null, Permission.CONFIGURE, true));
        rows.add(row("POST", "/api/v1/pipelines/{name}/abort", Map.of("name", pipeline), null, Permission.RELEASE_ACT, true));
        rows.add(row("GET", "/api/v1/users", Map.of(), null, Permission.ADMINISTER, false));
        rows.add(row("POST", "/api/v1/users", Map.of(), "{\"name\": \"" + victim + "\", \"kind\": \"service\"}",
                Permission.ADMINISTER, false));
        rows.add(row("GET", "/api/v1/users/{name}", Map.of("name", victim), null, Permission.ADMINISTER, false));
        rows.add(row("PUT", "/api/v1/users/{name}/bindings", Map.of("name", victim),
                "{\"bindings\": [{\"role\": \"viewer\"}]}", Permission.ADMINISTER, false));
        // someone else's password: only an admin
        rows.add(row("PUT", "/api/v1/users/{name}/password", Map.of("name", victim), "{\"password\": \"0123456789abc\"}",
                Permission.ADMINISTER, false));
        rows.add(row("POST", "/api/v1/users/{name}/disable", Map.of("name", victim), null, Permission.ADMINISTER, false));
        rows.add(row("GET", "/api/v1/tokens", Map.of(), null, Permission.SIGNED_IN, false));
        // a token for a service account: only an admin
        rows.add(row("POST", "/api/v1/tokens", Map.of(), "{\"name\": \"m\", \"user\": \"" + victim + "\"}",
                Permission.ADMINISTER, false));
        rows.add(new Row("DELETE", "/api/v1/tokens/{id}", Map.of("id", String.valueOf(otherTokenId)), null,
                Permission.ADMINISTER, false, 404));
        rows.add(row("GET", "/api/v1/audit", Map.of(), null, Permission.ADMINISTER, false));
        rows.add(row("PUT", "/api/v1/users/{name}/slack", Map.of("name", victim), "{\"slackUserId\": null}",
                Permission.ADMINISTER, false));
        rows.add(row("GET", "/api/v1/approvals", Map.of(), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/approvals/{id}", Map.of("id", "1"), null, Permission.READ, false));
        rows.add(row("GET", "/api/v1/releases/{id}/approvals", Map.of("id", id), null, Permission.READ, false));
        rows.add(row("POST", "/api/v1/releases/{id}/approvals", Map.of("id", id), "{\"decision\": \"approve\"}",
                Permission.APPROVE, true));
        rows.add(row("POST", "/api/v1/pipelines/{name}/approvals", Map.of("name", pipeline), "{\"decision\": \"reject\"}",
                Permission.APPROVE, true));
        // Slack's own requests carry no Kubestead credentials (their signature is checked instead; unset here: 404)
        rows.add(row("POST", "/api/v1/slack/interactions", Map.of(), null, Permission.PUBLIC, false));
        return rows;
    }

    static Row row(String method, String template, Map<String, String> params, String body, Permission rule, boolean scoped) {
        return new Row(method, template, params, body, rule, scoped, 403);
    }

    static Set<String> operations() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath().getMap("paths");
        Set<String> out = new TreeSet<>();
        paths.forEach((path, ops) -> ops.keySet().stream().filter(m -> Set.of("get", "put", "post", "delete", "patch").contains(m))
                .forEach(m -> out.add(m.toUpperCase() + " " + path)));
        return out;
    }

    static String pipelineBody(String name, String rollout, String db) {
        return """
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                 "contract": {"version": "4", "image": "app:4"}}""".formatted(name, rollout, db);
    }

    String targetDatabase() throws Exception {
        String db = "matrix_" + unique("d").substring(2).replace("-", "");
        try (var c = java.sql.DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                var s = c.createStatement()) {
            s.execute("create database " + db);
        }
        String url = PostgresResource.postgres().getJdbcUrl("postgres", db);
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", null); var s = c.createStatement()) {
            s.execute("create table users (id bigserial primary key, user_name text)");
        }
        databases.register(db, url, "postgres", null);
        return db;
    }

    /** Deny by default also means: no REST method without a declared rule (console pages included). */
    @Test
    void everyRestMethodDeclaresItsRule() throws IOException {
        Path classes = Path.of("target/classes");
        Set<String> missing = new LinkedHashSet<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c;
                try {
                    c = Class.forName(name, false, getClass().getClassLoader());
                } catch (Throwable e) {
                    continue;
                }
                for (Method m : c.getDeclaredMethods()) {
                    boolean endpoint = Stream.of(jakarta.ws.rs.GET.class, jakarta.ws.rs.POST.class, jakarta.ws.rs.PUT.class,
                            jakarta.ws.rs.DELETE.class, jakarta.ws.rs.PATCH.class).anyMatch(m::isAnnotationPresent);
                    if (endpoint) {
                        checked++;
                        if (!m.isAnnotationPresent(Allow.class) && !c.isAnnotationPresent(Allow.class)) {
                            missing.add(c.getSimpleName() + "." + m.getName());
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(40);
        assertThat(missing).isEmpty();
    }
}
