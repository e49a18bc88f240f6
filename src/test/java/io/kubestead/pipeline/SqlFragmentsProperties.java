package io.kubestead.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BiConsumer;

import io.kubestead.common.ApiException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever text arrives, each check either accepts it or refuses it with a 400; nothing else escapes. */
class SqlFragmentsProperties {

    static final List<String> PIECES = List.of("x", "\"Q\"", "'s'", "''", "'", "\"", "1", "2.5", "(", ")", "[", "]", ",",
            "=", "<>", "+", "*", "||", "::", "::text", ".", ";", "--", "/*", "*/", "$", "$$", "$t$", "\\", "E'", "U&",
            "select", "from", "where", "case", "when", "then", "else", "end", "and", "not", "is", "null", "in", "any",
            "coalesce(", "pg_read_file(", "lower(", "substring(", "cast(", "as", "numeric(12,2)", "over", "filter",
            "?", ":v", "$1", "@", "#", "~", "\n", "\t", " ", "\u0000", "\u00e9", "\u202e", "array", "values", "interval");

    static final List<BiConsumer<String, String>> CHECKS = List.of(SqlFragments::requireExpression,
            SqlFragments::requireCondition, SqlFragments::requireAssignments, SqlFragments::requireTypeName);

    @Property(tries = 1500)
    void sqlLikeTextOnlyEverFailsAsA400(@ForAll("sqlLike") String text) {
        onlyApiExceptions(text);
    }

    @Property(tries = 500)
    void anyTextOnlyEverFailsAsA400(@ForAll("anything") String text) {
        onlyApiExceptions(text);
    }

    static void onlyApiExceptions(String text) {
        for (BiConsumer<String, String> check : CHECKS) {
            try {
                check.accept("f", text);
            } catch (ApiException e) {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.errors()).singleElement().satisfies(err -> {
                    assertThat(err.path()).isEqualTo("f");
                    assertThat(err.message()).isNotBlank();
                });
            }
        }
    }

    @Provide
    Arbitrary<String> sqlLike() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(30)
                .flatMap(l -> Arbitraries.of(" ", "").map(sep -> String.join(sep, l)));
    }

    @Provide
    Arbitrary<String> anything() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }
}
