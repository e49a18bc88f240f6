package io.kubestead.pipeline;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;

/** What a pipeline may not do: touch PostgreSQL's own tables, smuggle statements, or run custom SQL for a namespace admin. */
@QuarkusTest
class PipelineSafetyTest extends ApiTest {

    @Inject
    TargetDatabases databases;

    String db;
    String rollout;

    @BeforeEach
    void target() throws Exception {
        db = "safety_" + unique("d").substring(2).replace("-", "");
        try (var c = java.sql.DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                var s = c.createStatement()) {
            s.execute("create database " + db);
        }
        String url = PostgresResource.postgres().getJdbcUrl("postgres", db);
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", null); var s = c.createStatement()) {
            s.execute("create table users (id bigserial primary key, user_name text, amount text)");
        }
        databases.register(db, url, "postgres", null);
        rollout = unique("safe");
        given().contentType(YAML).body("rollout:\n  name: " + rollout + "\n  target: {namespace: team-a}\n  canarySteps:\n"
                + "    - setWeight: 10\n").put("/api/v1/rollouts/" + rollout).then().statusCode(201);
    }

    String pipeline(String change) {
        return """
                {"name": "%s", "rollout": "%s", "database": "%s", "change": %s,
                 "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                 "contract": {"version": "4", "image": "app:4"}}""".formatted(unique("p"), rollout, db, change);
    }

    @Test
    void postgresOwnTablesAreRefused() {
        for (String table : new String[] { "pg_catalog.pg_authid", "pg_authid", "information_schema.tables", "pg_toast.x" }) {
            given().contentType("application/json")
                    .body(pipeline("{\"renameColumn\": {\"table\": \"" + table + "\", \"from\": \"rolname\", \"to\": \"x\"}}"))
                    .post("/api/v1/pipelines").then().statusCode(400)
                    .body("errors.path", hasItem("change.renameColumn.table"));
        }
    }

    @Test
    void customSqlIsForAdminsOfTheWholeInstallation() {
        String custom = "{\"custom\": {\"table\": \"users\", \"expandSql\": \"alter table users add column if not exists n int\", "
                + "\"backfill\": {\"set\": \"n = 1\", \"where\": \"n is null\"}, \"contractSql\": \"select 1\"}}";
        as(tokenFor(unique("team-admin"), "admin@team-a")).contentType("application/json").body(pipeline(custom))
                .post("/api/v1/pipelines").then().statusCode(403).contentType("application/problem+json");
        given().contentType("application/json").body(pipeline(custom)).post("/api/v1/pipelines").then().statusCode(201);
        // a recipe stays open to the namespace's admin
        as(tokenFor(unique("team-admin"), "admin@team-a")).contentType("application/json")
                .body(pipeline("{\"renameColumn\": {\"table\": \"users\", \"from\": \"user_name\", \"to\": \"display_name\"}}"))
                .post("/api/v1/pipelines").then().statusCode(201);
    }

    @Test
    void targetsAreListedWithWhoKubesteadIsThere() {
        given().queryParam("size", 500).get("/api/v1/databases").then().statusCode(200)
                .body("items.find { it.name == '" + db + "' }.reachable", equalTo(true))
                .body("items.find { it.name == '" + db + "' }.superuser", equalTo(true))
                .body("items.find { it.name == '" + db + "' }.version", containsString("17"))
                .body("items.find { it.name == 'configured-db' }.reachable", equalTo(false))
                .body("items.find { it.name == 'configured-db' }.error", containsString("unreachable"))
                .body(not(containsString("nobody"))).body(not(containsString("127.0.0.1:1")));
    }

    @Test
    void sqlFragmentsCannotBreakOutOfTheRecipe() {
        String[][] attempts = {
                { "using", "amount::numeric $kubestead$; drop table users; --" },
                { "using", "1; copy users to program 'id'" },
                { "using", "(select rolpassword from pg_authid limit 1)" },
                { "using", "pg_read_file('/etc/passwd')" },
                { "newType", "numeric; drop table users" },
        };
        for (String[] a : attempts) {
            String change = "{\"changeColumnType\": {\"table\": \"users\", \"column\": \"amount\", "
                    + "\"newType\": \"" + (a[0].equals("newType") ? a[1] : "numeric(12,2)") + "\", \"using\": \""
                    + (a[0].equals("using") ? a[1].replace("'", "'") : "amount::numeric") + "\"}}";
            given().contentType("application/json").body(pipeline(change)).post("/api/v1/pipelines").then()
                    .statusCode(400).body("errors.path", hasItem("change.changeColumnType." + a[0]));
        }
        String custom = "{\"custom\": {\"table\": \"users\", \"expandSql\": \"select 1\", \"contractSql\": \"select 1\", "
                + "\"backfill\": {\"set\": \"n = 1 where true; delete from users\", \"where\": \"n is null) or (true\"}}}";
        given().contentType("application/json").body(pipeline(custom)).post("/api/v1/pipelines").then().statusCode(400)
                .body("errors.path", hasItem("change.custom.backfill.set"))
                .body("errors.path", hasItem("change.custom.backfill.where"));
        // the ordinary conversion passes
        given().contentType("application/json").body(pipeline("{\"changeColumnType\": {\"table\": \"users\", "
                + "\"column\": \"amount\", \"newType\": \"numeric(12,2)\", \"using\": \"nullif(trim(amount), '')::numeric\"}}"))
                .post("/api/v1/pipelines").then().statusCode(201);
    }
}
