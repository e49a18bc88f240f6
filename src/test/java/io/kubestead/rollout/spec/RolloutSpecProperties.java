package io.kubestead.rollout.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever a client sends, the parser either accepts it or answers 400 (413 for size) naming where the problem
 * is; it never throws anything else.
 */
class RolloutSpecProperties {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> KEYS = List.of("rollout", "name", "preDeployHooks", "jobTemplate", "failureAction",
            "canarySteps", "setWeight", "pause", "duration", "analysis", "template", "args", "target", "namespace",
            "deployment", "trafficRouting", "replicas", "gatewayAPI", "httpRoute", "stableService", "canaryService",
            "setweight", "x");
    static final List<Object> SCALARS = List.of("users-service", "abort", "continue", "5m", "1h30m", "5 minutes", "",
            "Bad_Name", BigInteger.valueOf(5), BigInteger.valueOf(100), BigInteger.valueOf(-1), BigInteger.valueOf(101),
            new BigDecimal("5.5"), true, false, "db-migration-job");

    @Property(tries = 400)
    void randomDocumentsAreAcceptedOrNamePaths(@ForAll("documents") Object document) {
        try {
            RolloutSpec spec = RolloutSpecParser.parse(document);
            assertThat(spec.name()).isNotBlank();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errors()).isNotEmpty();
            assertThat(e.errors()).allSatisfy(err -> {
                assertThat(err.path()).isNotBlank();
                assertThat(err.message()).isNotBlank();
            });
        }
    }

    @Property(tries = 400)
    void mutatedDesignDocumentsGiveSuccessOr400(@ForAll("mutations") List<Tuple.Tuple3<Integer, Integer, Character>> edits,
            @ForAll boolean asJson) throws Exception {
        String text = Files.readString(Path.of("examples/users-service.yaml"));
        if (asJson) {
            text = JSON.writeValueAsString(Documents.read(text.getBytes(StandardCharsets.UTF_8), Documents.Format.YAML));
        }
        StringBuilder b = new StringBuilder(text);
        for (var edit : edits) {
            int at = Math.floorMod(edit.get2(), b.length() + 1);
            switch (edit.get1()) {
                case 0 -> b.insert(at, edit.get3());
                case 1 -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < b.length()) {
                        b.setCharAt(at, edit.get3());
                    }
                }
            }
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        try {
            RolloutSpecParser.parse(Documents.read(body, asJson ? Documents.Format.JSON : Documents.Format.YAML));
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
            for (FieldError err : e.errors()) {
                assertThat(err.path()).isNotNull();
            }
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, Character>>> mutations() {
        Arbitrary<Character> chars = Arbitraries.of(':', ' ', '\n', '-', '{', '}', '[', ']', '"', '&', '*', '!', '#',
                'a', '5', ',', '\t', '|', '>', '%', '@', '\u00e9');
        return Arbitraries.integers().between(0, 2).flatMap(kind -> Arbitraries.integers().between(0, 400)
                .flatMap(at -> chars.map(c -> Tuple.of(kind, at, c)))).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Object> documents() {
        return Arbitraries.lazyOf(() -> node(4)).map(n -> {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("rollout", n);
            return (Object) root;
        }).injectDuplicates(0.0);
    }

    private Arbitrary<Object> node(int depth) {
        Arbitrary<Object> scalar = Arbitraries.of(SCALARS);
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Object> map = Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.lazy(() -> node(depth - 1)))
                .ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m));
        Arbitrary<Object> list = Arbitraries.lazy(() -> node(depth - 1)).list().ofMaxSize(4)
                .map(l -> (Object) new ArrayList<>(l));
        return Arbitraries.frequencyOf(Tuple.of(2, scalar), Tuple.of(4, map), Tuple.of(2, list));
    }
}
