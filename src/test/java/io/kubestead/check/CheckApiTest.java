package io.kubestead.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.kubestead.pipeline.TargetDatabase;
import io.kubestead.pipeline.TargetDatabases;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** POST /api/v1/databases/{name}/checks on a real target, with the shadow on the embedded PostgreSQL. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class CheckApiTest extends EngineFixture {

    @Inject
    TargetDatabases databases;

    @Inject
    ShadowServers shadows;

    static String db;

    @BeforeEach
    void target() throws Exception {
        if (db != null) {
            return;
        }
        db = "checks_" + Long.toHexString(System.nanoTime());
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        TargetDatabase.exec(url, "create table users (id bigserial primary key, user_name varchar(255) not null, email text)",
                "create table orders (id bigserial primary key, user_id bigint references users (id), amount integer not null, "
                        + "note text)",
                "insert into users (user_name, email) select 'user-' || g, 'u' || g || '@example.com' from generate_series(1, 100) g",
                // some 5 MB: at the tests' assumed 1 MB/s, anything that rewrites it holds its lock for seconds
                "insert into orders (user_id, amount, note) select 1 + g % 100, g, repeat('x', 60) from generate_series(1, 50000) g",
                "analyze users", "analyze orders");
    }

    JsonPath check(String sql, List<String> queries) {
        Map<String, Object> body = queries == null ? Map.of("sql", sql) : Map.of("sql", sql, "stableQueries", queries);
        return given().contentType("application/json").body(body).post("/api/v1/databases/" + db + "/checks")
                .then().statusCode(201).extract().jsonPath();
    }

    @Test
    void aRenameTheStableVersionStillReadsIsBlockedNamingTheQueryAndTheStatement() {
        JsonPath r = check("set lock_timeout = '2s';\nalter table users rename column user_name to display_name",
                List.of("select id, user_name from users where id = $1", "select count(*) from orders where user_id = $1"));
        assertThat(r.getString("verdict")).isEqualTo("blocked");
        List<Map<String, Object>> broken = r.getList("findings.findAll { it.rule == 'breaks-stable-query' }");
        assertThat(broken).hasSize(1);
        assertThat(broken.get(0).get("statement")).isEqualTo(2);
        assertThat((String) broken.get(0).get("message")).contains("select id, user_name from users where id = $1")
                .contains("user_name");
        assertThat(r.getString("summary")).startsWith("blocked: ");
        assertThat(r.getInt("stableQueries.total")).isEqualTo(2);
        assertThat(r.getInt("stableQueries.broken")).isEqualTo(1);
        // PostgreSQL's own account of the statement: ACCESS EXCLUSIVE on users, nothing rewritten
        assertThat(r.getList("statements[1].locks.findAll { it.relation == 'users' }.mode", String.class))
                .containsExactly("ACCESS EXCLUSIVE");
        assertThat(r.getList("statements[1].rewrites")).isEmpty();
        assertThat(r.getString("shadow.server")).isEqualTo(ShadowServers.EMBEDDED);
        assertThat(r.getBoolean("shadow.sameMajor")).isTrue();
        assertThat(r.getList("shadow.copyGaps")).isEmpty();
        // stored: the same report by its id
        given().get("/api/v1/checks/" + r.getLong("id")).then().statusCode(200).body("verdict", equalTo("blocked"))
                .body("findings.rule", hasItem("breaks-stable-query"));
    }

    @Test
    void anAdditiveChangeIsSafeAndNothingBreaks() {
        JsonPath r = check("set lock_timeout = '2s'; alter table users add column nickname text",
                List.of("select id, user_name from users where id = $1", "insert into users (user_name, email) values ($1, $2)"));
        assertThat(r.getString("verdict")).isEqualTo("safe");
        assertThat(r.getInt("stableQueries.checked")).isEqualTo(2);
        assertThat(r.getInt("stableQueries.broken")).isZero();
        assertThat(r.getList("findings.findAll { it.severity == 'error' }")).isEmpty();
    }

    @Test
    void aRewriteOfALargeTableUnderAccessExclusiveIsBlockedWithAnEstimate() {
        JsonPath r = check("set lock_timeout = '2s'; alter table orders alter column amount type bigint", List.of());
        assertThat(r.getString("verdict")).isEqualTo("blocked");
        assertThat(r.getList("statements[1].rewrites", String.class)).containsExactly("orders");
        Map<String, Object> f = r.getMap("findings.find { it.rule == 'long-lock-on-large-table' }");
        assertThat((String) f.get("message")).contains("rewrites orders (").contains("~50 k rows").contains("under ACCESS EXCLUSIVE")
                .contains("every read and write blocked for");
        assertThat(r.getList("findings.rule", String.class)).contains("table-rewrite");
        // the same change on a type PostgreSQL converts in place is no rewrite at all
        JsonPath widen = check("set lock_timeout = '2s'; alter table users alter column user_name type varchar(500)", List.of());
        assertThat(widen.getList("statements[1].rewrites")).isEmpty();
        assertThat(widen.getList("findings.rule", String.class)).doesNotContain("long-lock-on-large-table", "table-rewrite");
    }

    @Test
    void anInsertThatOmitsANewRequiredColumnIsBlocked() {
        JsonPath r = check("set lock_timeout = '2s'; alter table users add column tenant integer; "
                + "alter table users alter column tenant set not null",
                List.of("insert into users (user_name, email) values ($1, $2)", "select email from users where id = $1"));
        assertThat(r.getString("verdict")).isEqualTo("blocked");
        Map<String, Object> f = r.getMap("findings.find { it.rule == 'insert-omits-not-null-column' }");
        assertThat(f.get("statement")).isEqualTo(3);
        assertThat((String) f.get("message")).contains("insert into users (user_name, email)").contains("tenant");
        // with a default, the old INSERT keeps working
        JsonPath ok = check("set lock_timeout = '2s'; alter table users add column tenant integer not null default 0",
                List.of("insert into users (user_name, email) values ($1, $2)"));
        assertThat(ok.getList("findings.rule", String.class)).doesNotContain("insert-omits-not-null-column");
        assertThat(ok.getString("verdict")).isEqualTo("safe");
    }

    @Test
    void sqlThatFailsOnTheTargetsSchemaIsBlocked() {
        JsonPath r = check("alter table no_such_table add column x int", null);
        assertThat(r.getString("verdict")).isEqualTo("blocked");
        Map<String, Object> f = r.getMap("findings.find { it.rule == 'fails-on-target-schema' }");
        assertThat((String) f.get("message")).contains("no_such_table").contains("does not exist");
        // no pg_stat_statements in this database: said, not guessed
        assertThat(r.getString("stableQueries.source")).isEqualTo("none");
        assertThat(r.getString("stableQueries.note")).contains("pg_stat_statements is not installed");
    }

    @Test
    void theShadowRunsAsARoleWithoutSuperuserAndIsDroppedAfterwards() throws Exception {
        JsonPath r = check("select pg_read_file('/etc/passwd')", null);
        Map<String, Object> f = r.getMap("findings.find { it.rule == 'fails-on-target-schema' }");
        assertThat((String) f.get("message")).contains("permission denied");
        ShadowServers.Server server = shadows.pick(17);
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
                ResultSet rs = c.createStatement().executeQuery("select count(*) from pg_database where datname like 'ks\\_shadow\\_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aHookWhoseSqlIsBlockedStopsTheReleaseUnlessAnAdminOverridesIt() {
        jobTemplate("hook-migration", java.util.Map.of());
        String rollout = unique("hooked");
        rollout(rollout, "  preDeployHooks:\n    - name: migrate\n      jobTemplate: hook-migration\n      migration: {database: " + db
                + ", sql: \"alter table no_such_table add column x int\"}\n  canarySteps:\n    - pause: {}\n");
        JsonPath refused = given().contentType("application/json").body(Map.of("version", "1", "image", "img:1"))
                .post("/api/v1/rollouts/" + rollout + "/releases").then().statusCode(409).contentType("application/problem+json")
                .extract().jsonPath();
        assertThat(refused.getString("errors[0].path")).isEqualTo("preDeployHooks[0].migration.check.findings[0]");
        assertThat(refused.getString("errors[0].message")).startsWith("fails-on-target-schema: ");
        assertThat(refused.getList("errors.path", String.class)).contains("preDeployHooks[0].migration.check");
        long id = given().contentType("application/json").body(Map.of("version", "1", "image", "img:1",
                "override", Map.of("reason", "the table comes with this release"))).post("/api/v1/rollouts/" + rollout + "/releases")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        JsonPath checks = given().get("/api/v1/checks?release=" + id).then().statusCode(200).extract().jsonPath();
        assertThat(checks.getString("items[0].hook")).isEqualTo("migrate");
        assertThat(checks.getString("items[0].override.reason")).isEqualTo("the table comes with this release");
        // a database nobody configured is named at its path
        String other = unique("hooked");
        rollout(other, "  preDeployHooks:\n    - name: migrate\n      jobTemplate: hook-migration\n      migration: {database: nope, "
                + "sql: \"select 1\"}\n  canarySteps:\n    - pause: {}\n");
        given().contentType("application/json").body(Map.of("version", "1", "image", "img:1")).post("/api/v1/rollouts/" + other
                + "/releases").then().statusCode(409).body("errors[0].path", equalTo("preDeployHooks[0].migration.database"));
    }

    @Test
    void badInputGetsAProblemWithTheFieldPath() {
        given().contentType("application/json").body(Map.of()).post("/api/v1/databases/" + db + "/checks").then()
                .statusCode(400).body("errors.path", hasItem("sql"));
        given().contentType("application/json").body(Map.of("sql", "alter table users add column a int",
                "stableQueries", List.of("select 1", "select 1; drop table users", "drop table users")))
                .post("/api/v1/databases/" + db + "/checks").then().statusCode(400)
                .body("errors.path", equalTo(List.of("stableQueries[1]", "stableQueries[2]")));
        given().contentType("application/json").body(Map.of("sql", "x".repeat(100_001)))
                .post("/api/v1/databases/" + db + "/checks").then().statusCode(400).body("errors.path", hasItem("sql"));
        given().contentType("application/json").body(Map.of("sql", "select 1")).post("/api/v1/databases/nope/checks").then()
                .statusCode(404);
        given().get("/api/v1/checks/abc").then().statusCode(404);
        given().get("/api/v1/checks/999999").then().statusCode(404);
    }
}
