package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DocumentsTest {

    static Object yaml(String s) {
        return Documents.read(s.getBytes(StandardCharsets.UTF_8), Documents.Format.YAML);
    }

    static Object json(String s) {
        return Documents.read(s.getBytes(StandardCharsets.UTF_8), Documents.Format.JSON);
    }

    static ApiException failure(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected an ApiException");
    }

    static String billionLaughs() {
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'i'; c++) {
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                b.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            b.append("]\n");
            prev = c;
        }
        return b.toString();
    }

    @Test
    void billionLaughsIsRefusedQuicklyWith400() {
        ApiException e = failure(() -> yaml(billionLaughs()));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).containsIgnoringCase("alias");
    }

    @Test
    void aliasesWithinTheLimitStillCannotExpandBeyondTheNodeLimit() {
        // 20 aliases (the most allowed), 10 to a 200-value list and 10 to that: 20,000 values if expanded.
        StringBuilder b = new StringBuilder("l0: &l0 [" + "x, ".repeat(199) + "x]\n");
        for (int i = 1; i <= 2; i++) {
            b.append("l").append(i).append(": &l").append(i).append(" [").append(("*l" + (i - 1) + ", ").repeat(9))
                    .append("*l").append(i - 1).append("]\n");
        }
        ApiException e = failure(() -> yaml(b.toString()));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains(String.valueOf(Documents.MAX_NODES));
    }

    @Test
    void aFewAliasesAreFine() {
        Object doc = yaml("base: &b {x: 1}\nuse: *b\n");
        assertThat(doc).isEqualTo(Map.of("base", Map.of("x", java.math.BigInteger.ONE), "use", Map.of("x", java.math.BigInteger.ONE)));
    }

    @Test
    void tenThousandDeepNestingIsRefusedWith400InYamlAndJson() {
        String deepYaml = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(failure(() -> yaml(deepYaml)).status()).isEqualTo(400);
        assertThat(failure(() -> json(deepYaml)).status()).isEqualTo(400);
        String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(failure(() -> json(deepObjects)).status()).isEqualTo(400);
    }

    @Test
    void tooManyKeysAreRefused() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Documents.MAX_NODES + 1; i++) {
            b.append("k").append(i).append(": 1\n");
        }
        assertThat(failure(() -> yaml(b.toString())).status()).isEqualTo(400);
    }

    @Test
    void documentsOverOneMebibyteAre413() {
        byte[] big = new byte[Documents.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(failure(() -> Documents.read(big, Documents.Format.YAML)).status()).isEqualTo(413);
    }

    @Test
    void duplicateKeysAndSeveralDocumentsAreRefused() {
        assertThat(failure(() -> yaml("a: 1\na: 2\n")).status()).isEqualTo(400);
        assertThat(failure(() -> json("{\"a\": 1, \"a\": 2}")).status()).isEqualTo(400);
        assertThat(failure(() -> yaml("a: 1\n---\nb: 2\n")).status()).isEqualTo(400);
        assertThat(failure(() -> json("{\"a\": 1} {\"b\": 2}")).status()).isEqualTo(400);
    }

    @Test
    void syntaxErrorsSayWhere() {
        assertThat(failure(() -> yaml("a: [1, 2\nb: 3\n")).getMessage()).contains("line");
        assertThat(failure(() -> json("{\"a\": }")).getMessage()).contains("line 1");
    }

    @Test
    void emptyAndNonUtf8BodiesAre400() {
        assertThat(failure(() -> Documents.read(new byte[0], Documents.Format.YAML)).status()).isEqualTo(400);
        assertThat(failure(() -> yaml("# only a comment\n")).status()).isEqualTo(400);
        assertThat(failure(() -> Documents.read(new byte[] { 'a', ':', ' ', (byte) 0xc3, (byte) 0x28 }, Documents.Format.YAML))
                .status()).isEqualTo(400);
    }

    @Test
    void contentTypesAreRecognised() {
        assertThat(Documents.formatOf("application/yaml")).isEqualTo(Documents.Format.YAML);
        assertThat(Documents.formatOf("application/x-yaml; charset=utf-8")).isEqualTo(Documents.Format.YAML);
        assertThat(Documents.formatOf("text/yaml")).isEqualTo(Documents.Format.YAML);
        assertThat(Documents.formatOf("application/json;charset=UTF-8")).isEqualTo(Documents.Format.JSON);
        assertThat(failure(() -> Documents.formatOf("text/plain")).status()).isEqualTo(415);
        assertThat(failure(() -> Documents.formatOf(null)).status()).isEqualTo(415);
    }

    @Test
    void yamlTimestampsStayStrings() {
        assertThat(yaml("v: 2024-01-01\n")).isEqualTo(Map.of("v", "2024-01-01T00:00:00Z"));
    }

    @Test
    void nonStringKeysOfCollectionsAreRefused() {
        assertThatThrownBy(() -> yaml("? [a]\n: b\n")).isInstanceOf(ApiException.class);
    }
}
