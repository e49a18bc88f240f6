package io.kubestead.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExprTest {

    static boolean test(String expr, Object result) {
        return Expr.parse(expr).test(result);
    }

    @Test
    void comparesNumbers() {
        assertThat(test("result < 0.01", 0.002)).isTrue();
        assertThat(test("result < 0.01", 0.02)).isFalse();
        assertThat(test("result >= 0.99", 0.99)).isTrue();
        assertThat(test("result == 5", 5.0)).isTrue();
        assertThat(test("result != 5", 5.0)).isFalse();
        assertThat(test("result > 1e-3", 0.002)).isTrue();
    }

    @Test
    void indexesAndUnwrapsOneSeries() {
        assertThat(test("result[0] >= 0.99", List.of(0.995))).isTrue();
        assertThat(test("result < 0.01", List.of(0.002))).isTrue();
        assertThat(test("result[1] > result[0]", List.of(1.0, 2.0))).isTrue();
        assertThat(test("result[0] < 1", 0.5)).isTrue();
        assertThat(test("len(result) == 0 || result[0] < 0.01", List.of())).isTrue();
    }

    @Test
    void logicAndArithmetic() {
        assertThat(test("result > 1 and result < 3", 2.0)).isTrue();
        assertThat(test("result > 1 && not (result < 3)", 2.0)).isFalse();
        assertThat(test("!(result > 1) || result * 2 + 1 == 5", 2.0)).isTrue();
        assertThat(test("(result - 1) / 2 % 2 == 0.5", 2.0)).isTrue();
        assertThat(test("-result < 0", 2.0)).isTrue();
        assertThat(test("abs(-result) == 2 and min(result, 1) == 1 and max(result, 1) == 2", 2.0)).isTrue();
        assertThat(test("1 + 2 * 3 == 7", 0.0)).isTrue();
    }

    @Test
    void nanAndStrings() {
        assertThat(test("isNaN(result)", Double.NaN)).isTrue();
        assertThat(test("isNaN(result) || result < 0.01", Double.NaN)).isTrue();
        assertThat(test("result == 'ok'", "ok")).isTrue();
        assertThat(test("len(result) == 2", "ok")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "result <", "result < < 1", "foo > 1", "result[", "(result > 1", "result > 'x",
            "len(result, 1) > 0", "result > 1 )", "result # 1", "Math.exit(1)", "result.getClass()" })
    void badExpressionsAreRefusedWhenParsed(String text) {
        assertThatThrownBy(() -> Expr.parse(text)).isInstanceOf(ExprException.class);
    }

    @Test
    void expressionsAreBounded() {
        assertThatThrownBy(() -> Expr.parse("result < " + "1".repeat(600))).isInstanceOf(ExprException.class)
                .hasMessageContaining("longer");
        assertThatThrownBy(() -> Expr.parse("(".repeat(40) + "result" + ")".repeat(40)))
                .isInstanceOf(ExprException.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> Expr.parse("result" + " + 1".repeat(120))).isInstanceOf(ExprException.class)
                .hasMessageContaining("tokens");
    }

    @Test
    void typeErrorsAreExprExceptions() {
        assertThatThrownBy(() -> test("result < 1", List.of(1.0, 2.0))).isInstanceOf(ExprException.class)
                .hasMessageContaining("number");
        assertThatThrownBy(() -> test("result[3] < 1", List.of(1.0))).isInstanceOf(ExprException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> test("result + 1", 1.0)).isInstanceOf(ExprException.class)
                .hasMessageContaining("not true or false");
        assertThatThrownBy(() -> test("result < 1", "text")).isInstanceOf(ExprException.class);
    }
}
