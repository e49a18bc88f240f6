package io.kubestead.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Lints every migration of the corpus ({@code src/test/resources/checks/corpus}, written against {@code _schema.sql})
 * and holds it to the rules its header names. Each file is a test of its own.
 */
class LintCorpusTest {

    static final Set<String> VERDICTS = Set.of("safe", "needs-expand-migrate-contract", "blocked");

    /** Every rule the corpus must show at least once (non-transactional-in-transaction cannot run on PostgreSQL). */
    static final Set<String> RULES = Set.of("rename-column", "rename-table", "drop-column", "drop-table", "change-column-type",
            "add-column-not-null-without-default", "drop-default", "truncate", "volatile-default", "set-not-null",
            "constraint-without-not-valid", "foreign-key-without-not-valid", "unique-constraint-without-index",
            "create-index-non-concurrently", "drop-index-non-concurrently", "reindex-non-concurrently",
            "refresh-materialized-view-non-concurrently", "vacuum-full", "cluster", "lock-table", "missing-lock-timeout",
            "multiple-locks-in-transaction", "enum-value-change", "drop-type");

    /** One corpus migration and what its header expects. */
    record Migration(String name, String sql, Set<String> rules, String verdict, String rewrite) {

        static Migration read(Path file) {
            try {
                String sql = Files.readString(file);
                String rules = header(sql, "expect-rules");
                Set<String> expected = rules == null || rules.equals("none") ? Set.of()
                        : new TreeSet<>(Arrays.asList(rules.split("\\s*,\\s*")));
                return new Migration(file.getFileName().toString(), sql, expected, header(sql, "expect-verdict"),
                        header(sql, "expect-rewrite"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String header(String sql, String key) {
            return sql.lines().filter(l -> l.startsWith("-- " + key + ":")).findFirst()
                    .map(l -> l.substring(("-- " + key + ":").length()).trim()).orElse(null);
        }
    }

    static List<Migration> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(LintCorpusTest.class.getResource("/checks/corpus")).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{3}-[a-z0-9-]+\\.sql")).sorted()
                    .map(Migration::read).toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyMigrationGetsExactlyTheRulesItsHeaderNames() throws Exception {
        return corpus().stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> check(m)));
    }

    private static void check(Migration m) {
        assertThat(m.verdict()).as("expect-verdict of %s", m.name()).isIn(VERDICTS);
        Lint.Result result = Lint.lint(m.sql());
        Set<String> rules = result.findings().stream().map(Finding::rule).collect(Collectors.toCollection(TreeSet::new));
        assertThat(rules).as("rules of %s; findings %s", m.name(), result.findings()).isEqualTo(m.rules());
        List<SqlStatement> statements = result.statements();
        for (Finding f : result.findings()) {
            assertThat(f.message()).as("message of %s", f).isNotBlank();
            assertThat(f.fix()).as("fix of %s", f).isNotBlank();
            assertThat(f.category()).isIn("breaking", "locking", "practice");
            assertThat(f.statement()).as("statement of %s", f).isNotNull().isBetween(1, statements.size());
            assertThat(f.sql()).isEqualTo(shown(statements.get(f.statement() - 1).sql()));
        }
        for (int i = 0; i < statements.size(); i++) {
            assertThat(statements.get(i).index()).isEqualTo(i + 1);
            assertThat(statements.get(i).sql()).isNotBlank().doesNotStartWith("--").doesNotEndWith(";");
        }
        if (m.rules().isEmpty()) {
            assertThat(m.verdict()).as("a migration without findings is safe").isEqualTo("safe");
        }
    }

    /** The statement as a finding shows it: whitespace collapsed, cut to 300 characters. */
    static String shown(String sql) {
        String s = sql.replaceAll("\\s+", " ").strip();
        return s.length() <= 300 ? s : s.substring(0, 299) + "\u2026";
    }

    @TestFactory
    Stream<DynamicTest> whereJSqlParserReadsAStatementBothReadersAgree() throws Exception {
        return corpus().stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            for (Split.Piece p : Split.split(m.sql())) {
                List<Action> tree = Lint.fromTree(p, Duration.ofMinutes(1));
                if (tree != null) {
                    assertThat(tree).as(p.text()).isEqualTo(TokenReader.read(p.tokens()).actions());
                }
            }
        }));
    }

    @Test
    void theCorpusIsLargeAndCoversEveryRule() throws Exception {
        List<Migration> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        assertThat(corpus.stream().filter(m -> m.rules().isEmpty())).hasSizeGreaterThanOrEqualTo(25);
        assertThat(corpus.stream().filter(m -> !m.rules().isEmpty())).hasSizeGreaterThanOrEqualTo(30);
        Set<String> covered = corpus.stream().flatMap(m -> m.rules().stream()).collect(Collectors.toSet());
        assertThat(covered).containsAll(RULES);
        assertThat(corpus.stream().filter(m -> m.rewrite() != null)).isNotEmpty();
        assertThat(corpus.stream().map(Migration::name).distinct()).hasSameSizeAs(corpus);
    }
}
