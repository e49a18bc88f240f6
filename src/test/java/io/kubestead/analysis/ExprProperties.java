package io.kubestead.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random expressions, sensible or not, never throw anything but an ExprException. */
class ExprProperties {

    static final List<String> PIECES = List.of("result", "result[0]", "0.01", "1", "-", "+", "*", "/", "%", "<", "<=",
            ">", ">=", "==", "!=", "&&", "||", "and", "or", "not", "!", "(", ")", "[", "]", ",", "len(", "isNaN(",
            "abs(", "min(", "max(", "'x'", "\"y\"", "true", "false", "1e309", "foo", "#", " ");

    @Property(tries = 2000)
    void randomExpressionsOnlyEverFailAsExprExceptions(@ForAll("expressions") String text, @ForAll("results") Object result) {
        Expr expr;
        try {
            expr = Expr.parse(text);
        } catch (ExprException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        try {
            Object v = expr.evaluate(result);
            assertThat(v).isNotNull();
        } catch (ExprException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> expressions() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(25).map(l -> String.join(" ", l));
    }

    @Provide
    Arbitrary<Object> results() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY).map(d -> (Object) d),
                Arbitraries.doubles().list().ofMaxSize(3).map(l -> (Object) l),
                Arbitraries.strings().ofMaxLength(5).map(s -> (Object) s),
                Arbitraries.of(true, false).map(b -> (Object) b));
    }
}
