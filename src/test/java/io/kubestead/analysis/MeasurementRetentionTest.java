package io.kubestead.analysis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kubestead.engine.EngineFixture;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A background analysis that runs for weeks keeps its newest measurements one by one and the older ones as one row
 * per hour: storage stays bounded, and nothing of what was measured is lost from the counts.
 */
@QuarkusTest
class MeasurementRetentionTest extends EngineFixture {

    @Inject
    AnalysisService analysis;

    @Test
    void oldMeasurementsAreFoldedIntoHourlySummariesAndTheNewestAreKept() {
        String name = unique("keep");
        rollout(name, "  canarySteps:\n    - pause: {}\n");
        long release = release(name, "1.0.0");
        Instant start = Instant.parse("2026-11-01T10:00:00Z");
        // 700 measurements one every 20 s (about four hours): values 0..699, every 10th failed, every 7th an error
        long runId = QuarkusTransaction.requiringNew().call(() -> {
            AnalysisRun run = new AnalysisRun();
            run.releaseId = release;
            run.attempt = 1;
            run.kind = "background";
            run.step = 0;
            run.template = "error-rate";
            run.status = AnalysisService.RUNNING;
            run.startedAt = start;
            run.persist();
            for (int i = 0; i < 700; i++) {
                AnalysisMeasurement m = new AnalysisMeasurement();
                m.runId = run.id;
                m.at = start.plusSeconds(20L * i);
                m.query = "rate(errors[5m])";
                m.phase = i % 7 == 0 ? AnalysisService.ERROR : i % 10 == 0 ? AnalysisService.FAILED : AnalysisService.SUCCESSFUL;
                m.value = i % 7 == 0 ? null : i % 2 == 0 ? (Object) (double) i : List.of((double) i);
                m.persist();
                run.count(m.phase, m.at);
            }
            return run.id;
        });
        QuarkusTransaction.requiringNew().run(() -> analysis.fold(runId, 500));

        long kept = QuarkusTransaction.requiringNew().call(() -> AnalysisMeasurement.count("runId", runId));
        assertThat(kept).isEqualTo(500);
        Instant oldestKept = QuarkusTransaction.requiringNew().call(() -> AnalysisMeasurement
                .<AnalysisMeasurement>find("runId = ?1 order by at", runId).firstResult().at);
        assertThat(oldestKept).isEqualTo(start.plusSeconds(20L * 200));

        JsonPath runs = given().get("/api/v1/releases/" + release + "/analysis").then().statusCode(200).extract().jsonPath();
        assertThat(runs.getInt("items[0].taken")).isEqualTo(700);
        assertThat(runs.getList("items[0].measurements")).hasSize(500);
        List<Map<String, Object>> hours = runs.getList("items[0].hours");
        // the first 200 measurements (0..199) span 10:00 to 11:06:20: two hours
        assertThat(hours).hasSize(2);
        assertThat(hours.stream().mapToInt(h -> (Integer) h.get("measurements")).sum()).isEqualTo(200);
        Map<String, Object> first = hours.get(0);
        assertThat(Instant.parse((String) first.get("hour"))).isEqualTo(start.truncatedTo(ChronoUnit.HOURS));
        // 10:00-10:59:40: measurements 0..179; errors are 0, 7, ..., 175 (26), failed are the multiples of 10 that are not errors
        assertThat(first.get("measurements")).isEqualTo(180);
        assertThat(first.get("errors")).isEqualTo(26);
        assertThat(first.get("failed")).isEqualTo((int) java.util.stream.IntStream.range(0, 180).filter(i -> i % 10 == 0 && i % 7 != 0).count());
        assertThat(((Number) first.get("min")).doubleValue()).isEqualTo(1.0);
        assertThat(((Number) first.get("max")).doubleValue()).isEqualTo(179.0);

        // folding again later adds to the same hours, it does not replace them
        QuarkusTransaction.requiringNew().run(() -> analysis.fold(runId, 400));
        JsonPath again = given().get("/api/v1/releases/" + release + "/analysis").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> later = again.getList("items[0].hours");
        assertThat(later.stream().mapToInt(h -> (Integer) h.get("measurements")).sum()).isEqualTo(300);
        assertThat(again.getList("items[0].measurements")).hasSize(400);
        assertThat(Duration.between(start, Instant.parse(again.getString("items[0].measurements[0].at"))))
                .isEqualTo(Duration.ofSeconds(20L * 300));
    }
}
