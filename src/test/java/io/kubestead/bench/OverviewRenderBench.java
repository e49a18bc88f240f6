package io.kubestead.bench;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The overview page with 1,000 pipelines (3,000 releases) and 100,000 events in the database: time to render
 * it, measured at the client over loopback (an upper bound of the server's render time), 300 requests after 50
 * to warm up. Run: bench/console.sh
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithKubernetesTestServer(crud = true)
class OverviewRenderBench extends io.kubestead.testing.ApiTest {

    @Test
    void overviewRenderTime() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresResource.jdbcUrl(), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("""
                    insert into rollout (name, current_revision, created_at, updated_at)
                    select 'svc-' || g, 1, now(), now() from generate_series(1, 1000) g;
                    insert into rollout_revision (rollout_name, revision, spec, created_at)
                    select 'svc-' || g, 1, jsonb_build_object('rollout', jsonb_build_object('name', 'svc-' || g,
                        'preDeployHooks', '[]'::jsonb, 'canarySteps', '[{"setWeight": 20}, {"pause": {}}]'::jsonb)), now()
                    from generate_series(1, 1000) g;
                    insert into pipeline (name, rollout_name, database_name, change, plan, phases, confidence_window, state,
                        schema_state, created_at, updated_at)
                    select 'pl-' || g, 'svc-' || g, 'db', '{"renameColumn": {"table": "users", "from": "a", "to": "b"}}',
                        '{"table": "\\"users\\"", "expand": [], "backfillSet": "b = a", "needsBackfill": "b is distinct from a",
                          "contract": [], "schemaAfterExpand": "expanded", "schemaAfterContract": "contracted"}',
                        '{"expand": {"version": "2", "image": "a:2"}, "migrate": {"version": "3", "image": "a:3"},
                          "contract": {"version": "4", "image": "a:4"}}', '2d', 'Active', 'expanded', now(), now()
                    from generate_series(1, 1000) g;
                    insert into backfill (pipeline_name, state, table_name, key_columns, settings, batch_size, rows_done,
                        rows_scanned, estimated_rows, active_millis, updated_at)
                    select 'pl-' || g, case when g % 3 = 0 then 'Running' else 'Completed' end, '"users"',
                        '[{"name": "id", "type": "bigint"}]', '{"batchSize": 1000}', 1000, 5000, 5000, 10000, 100, now()
                    from generate_series(1, 1000) g;
                    insert into release (rollout_name, revision, version, image, state, current_step, created_at, updated_at,
                        finished_at, pipeline_name, pipeline_phase, schema_done, weight)
                    select 'svc-' || g, 1, v.phase, 'a:' || v.phase,
                        case when v.phase = 'migrate' and g % 4 = 0 then 'Paused' else 'Promoted' end, 1,
                        now() - interval '2 hours', now() - interval '1 hour',
                        case when v.phase = 'migrate' and g % 4 = 0 then null else now() - interval '1 hour' end,
                        'pl-' || g, v.phase, true, case when v.phase = 'migrate' and g % 4 = 0 then 20 else 0 end
                    from generate_series(1, 1000) g, (values ('expand'), ('migrate'), ('contract')) v(phase);
                    """);
            s.execute("alter table release_event disable trigger release_event_no_update");
            s.execute("""
                    insert into release_event (release_id, type, from_state, to_state, actor, reason, details, at)
                    select r.id, 'StepCompleted', 'Progressing', 'Progressing', 'system:engine', null,
                        jsonb_build_object('step', e % 4), now() - (e || ' seconds')::interval
                    from release r, generate_series(1, 34) e limit 100000
                    """);
            s.execute("alter table release_event enable trigger release_event_no_update");
            s.execute("analyze");
        }
        for (int i = 0; i < 50; i++) {
            given().get("/").then().statusCode(200);
        }
        List<Double> server = new ArrayList<>();
        List<Double> client = new ArrayList<>();
        List<Double> fragment = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long t0 = System.nanoTime();
            String timing = given().get("/").then().statusCode(200).extract().header("Server-Timing");
            client.add((System.nanoTime() - t0) / 1e6);
            server.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
            String f = given().header("HX-Request", "true").get("/").then().statusCode(200).extract().header("Server-Timing");
            fragment.add(Double.parseDouble(f.substring(f.indexOf("dur=") + 4)));
        }
        String report = String.format("overview, 1,000 pipelines, 3,000 releases, 100,000 events (300 requests):%n"
                + "  server render (queries + template, Server-Timing): %s, p95=%.1f ms%n"
                + "  htmx fragment, server render: %s, p95=%.1f ms%n"
                + "  full page at the client over loopback (REST Assured): %s, p95=%.1f ms%n",
                Stats.summary(server), Stats.percentile(server, 95), Stats.summary(fragment), Stats.percentile(fragment, 95),
                Stats.summary(client), Stats.percentile(client, 95));
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-console.txt"), report);
    }
}
