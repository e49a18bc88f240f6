package io.kubestead.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.kubestead.engine.EngineProfile;
import io.kubestead.pipeline.TargetDatabase;
import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The whole check on every corpus migration: a target database with the corpus's base schema, a shadow copied from
 * it on a real PostgreSQL, the migration run there statement by statement. Each must run without error, rewrite
 * exactly the tables its header says (PostgreSQL's relfilenode, not a guess), report the linter's rules, and get
 * the verdict its header expects.
 */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
class CorpusShadowTest extends ApiTest {

    @Inject
    Checks checks;

    @Inject
    TargetDatabases databases;

    @TestFactory
    Stream<DynamicTest> everyMigrationRunsOnAShadowWithTheExpectedRewritesAndVerdict() throws Exception {
        String db = "corpus_" + Long.toHexString(System.nanoTime());
        String url = TargetDatabase.create(db);
        databases.register(db, url, "postgres", null);
        Path dir = Path.of(Objects.requireNonNull(CorpusShadowTest.class.getResource("/checks/corpus")).toURI());
        TargetDatabase.exec(url, Files.readString(dir.resolve("_schema.sql")));
        return LintCorpusTest.corpus().stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            CheckReport r = checks.check(new Checks.Request(db, "manual", null, null, null,
                    List.of(new Checks.PhaseSql("migration", m.sql(), false)), null, List.of(), null, "corpus")).get(0);
            assertThat(r.shadow().ran()).as("shadow of %s: %s", m.name(), r.shadow().note()).isTrue();
            assertThat(r.shadow().copyGaps()).as("copy gaps").isEmpty();
            assertThat(r.statements()).as("statements of %s", m.name())
                    .allSatisfy(s -> assertThat(s.outcome()).as("%s: %s", s.sql(), s.error()).isIn("ran", "skipped"));
            Set<String> rewrites = r.statements().stream().flatMap(s -> s.rewrites().stream())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = m.rewrite() == null ? Set.of()
                    : new TreeSet<>(Arrays.asList(m.rewrite().split("\\s*,\\s*")));
            assertThat(rewrites).as("tables PostgreSQL rewrote in %s", m.name()).isEqualTo(expected);
            Set<String> rules = r.findings().stream().map(Finding::rule).collect(Collectors.toSet());
            assertThat(rules).as("findings of %s", m.name()).containsAll(m.rules());
            assertThat(r.verdict()).as("verdict of %s; findings %s", m.name(), r.findings()).isEqualTo(m.verdict());
        }));
    }
}
