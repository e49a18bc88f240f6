package io.kubestead.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.kubestead.common.ApiException;
import io.kubestead.common.SqlLexer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever text arrives, linting it either succeeds or is refused with a 400 at {@code sql}; nothing else escapes. */
class LintProperties {

    static final List<String> PIECES = List.of("ALTER", "TABLE", "t", "\"Q\"", "public.", "ADD", "COLUMN", "DROP", "RENAME",
            "TO", "TYPE", "SET", "DATA", "NOT", "NULL", "DEFAULT", "now()", "random()", "GENERATED", "ALWAYS", "AS", "IDENTITY",
            "STORED", "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "KEY", "FOREIGN", "REFERENCES", "VALID", "VALIDATE", "USING",
            "INDEX", "CONCURRENTLY", "CREATE", "ON", "ONLY", "IF", "EXISTS", "VACUUM", "FULL", "CLUSTER", "REINDEX", "LOCK",
            "IN", "MODE", "SHARE", "EXCLUSIVE", "BEGIN", "COMMIT", "END", "ATOMIC", "CASE", "FUNCTION", "TRUNCATE", "REFRESH",
            "MATERIALIZED", "VIEW", "VALUE", "lock_timeout", "LOCAL", "RESET", "set_config(", "'2s'", "0", "'", "\"", "E'",
            "\\'", "''", "$$", "$t$", "$1", "$", "(", ")", "[", "]", ",", ";", ".", "::", "=", "*", "--", "/*", "*/", "//", "#",
            "{", "U&", "\n", " ", "\t", "\u0000", "\u00e9", "\u202e", "\ud800");

    @Property(tries = 1000)
    void sqlLikeTextOnlyEverFailsAsA400(@ForAll("sqlLike") String text) {
        onlyApiExceptions(text);
    }

    @Property(tries = 300)
    void anyTextOnlyEverFailsAsA400(@ForAll("anything") String text) {
        onlyApiExceptions(text);
    }

    /** The classifier itself, not only Lint's guard around it, reads any tokens without throwing. */
    @Property(tries = 1000)
    void theClassifierReadsAnyTokens(@ForAll("sqlLike") String text) {
        for (Split.Piece p : Split.split(text)) {
            TokenReader.Reading r = TokenReader.read(p.tokens());
            assertThat(r.kind()).isNotBlank();
        }
        assertThat(SqlLexer.tokens(text)).allSatisfy(t -> assertThat(t.end()).isGreaterThan(t.start()));
    }

    static void onlyApiExceptions(String text) {
        try {
            Lint.Result r = Lint.lint(text);
            for (Finding f : r.findings()) {
                assertThat(f.statement()).isBetween(1, r.statements().size());
                assertThat(f.message()).isNotBlank();
                assertThat(f.fix()).isNotBlank();
                assertThat(f.sql().length()).isLessThanOrEqualTo(300);
            }
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errors()).singleElement().satisfies(err -> assertThat(err.path()).isEqualTo("sql"));
        }
    }

    @Provide
    Arbitrary<String> sqlLike() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(40)
                .flatMap(l -> Arbitraries.of(" ", "").map(sep -> String.join(sep, l)));
    }

    @Provide
    Arbitrary<String> anything() {
        return Arbitraries.strings().all().ofMaxLength(300);
    }
}
