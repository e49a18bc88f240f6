package io.kubestead.bench;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.kubestead.pipeline.TargetDatabase;
import io.kubestead.pipeline.TargetDatabases;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * A schema check's time, end to end through POST /api/v1/databases/{name}/checks: a 200-table target (primary keys,
 * 200 foreign keys, 400 indexes, a view per 10 tables, an enum) and 500 stable queries, a migration of three
 * statements (a rename that breaks some of them, an added column, an index). The first check also starts the
 * embedded shadow PostgreSQL; it is reported apart. Run: bench/checks.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class CheckBench extends EngineFixture {

    static final int TABLES = 200;
    static final int QUERIES = 500;
    static final int RUNS = 15;

    @Inject
    TargetDatabases databases;

    @Test
    void aCheckOfA200TableSchemaWith500StableQueries() throws Exception {
        String db = "bench_checks_" + Long.toHexString(System.nanoTime());
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        List<String> ddl = new ArrayList<>();
        ddl.add("create type status as enum ('new', 'paid', 'shipped')");
        for (int t = 0; t < TABLES; t++) {
            ddl.add("create table t" + t + " (id bigserial primary key, name varchar(200) not null, amount numeric(12,2), "
                    + "state status not null default 'new', created_at timestamptz not null default now(), note text"
                    + (t == 0 ? "" : ", parent_id bigint references t" + (t - 1) + " (id)") + ")");
            ddl.add("create index t" + t + "_name on t" + t + " (name)");
            ddl.add("create index t" + t + "_created on t" + t + " (created_at)");
            if (t % 10 == 9) {
                ddl.add("create view v" + t + " as select id, name, amount from t" + t + " where state = 'paid'");
            }
        }
        TargetDatabase.exec(url, ddl.toArray(String[]::new));
        List<String> queries = new ArrayList<>();
        for (int q = 0; q < QUERIES; q++) {
            int t = q % TABLES;
            queries.add(switch ((q / TABLES + q) % 5) {
                case 0 -> "select id, name, amount from t" + t + " where id = $1";
                case 1 -> "insert into t" + t + " (name, amount" + (t == 0 ? "" : ", parent_id") + ") values ($1, $2"
                        + (t == 0 ? "" : ", $3") + ")";
                case 2 -> "update t" + t + " set amount = amount + $1 where id = $2";
                case 3 -> "select a.id, b.name from t" + t + " a join t" + ((t + 1) % TABLES) + " b on b.id = a.id where a.created_at > $1 limit $2";
                default -> "delete from t" + t + " where id = $1 and state = $2";
            });
        }
        String migration = "set lock_timeout = '2s';\nalter table t7 rename column name to title;\n"
                + "alter table t7 add column tags text[];\ncreate index concurrently t7_tags on t7 using gin (tags)";
        Map<String, Object> body = Map.of("sql", migration, "stableQueries", queries);

        JsonPath first = check(db, body);
        long cold = first.getLong("timings.totalMillis");
        List<Double> total = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        List<Double> copy = new ArrayList<>();
        List<Double> explain = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        JsonPath last = first;
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            last = check(db, body);
            wall.add((System.nanoTime() - t0) / 1e6);
            total.add(last.getDouble("timings.totalMillis"));
            copy.add(last.getDouble("timings.copyMillis"));
            explain.add(last.getDouble("timings.explainMillis"));
            target.add(last.getDouble("timings.targetMillis"));
            if (!last.getBoolean("shadow.fromTemplate")) {
                throw new AssertionError("a check of an unchanged schema did not reuse its template");
            }
        }
        String report = String.format("schema check, %d tables, %d stable queries, 4 statements: verdict %s, %d queries "
                + "broken, %d checked%n  request wall time (POST → 201): %s%n  check total:      %s%n  reading the target: %s%n"
                + "  copying to shadow: %s%n  planning queries:  %s%n  first check (starts the embedded shadow server): %d ms%n",
                TABLES, QUERIES, last.getString("verdict"), last.getInt("stableQueries.broken"), last.getInt("stableQueries.checked"),
                Stats.summary(wall), Stats.summary(total), Stats.summary(target), Stats.summary(copy), Stats.summary(explain), cold);
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-checks.txt"), report);
    }

    static JsonPath check(String db, Map<String, Object> body) {
        return given().contentType("application/json").body(body).post("/api/v1/databases/" + db + "/checks").then()
                .statusCode(201).extract().jsonPath();
    }
}
