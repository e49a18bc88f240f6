package io.kubestead.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Every operation of the API, and the console's pages, with hostile paths, query parameters, headers and JSON
 * strings (control characters and NULs among them): never an answer of 500 or more, every error problem+json.
 */
@QuarkusTest
class FuzzTest extends ApiTest {

    static final int ROUNDS_PER_OPERATION = 30;

    /** Text a client can send: printable, control characters, NUL, percent signs, quotes, long runs, non-ASCII. */
    static final Arbitrary<String> NASTY = Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(5),
            Arbitraries.strings().withChars("%'\"\\;$&=?#/.<>{}[]- \u0000\u007f").ofMinLength(1).ofMaxLength(20),
            Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings().withChars("a").ofLength(9000),
            Arbitraries.of("0", "-1", "99999999999999999999", "abc", "1e9", "null", "true", "admin", ".", ".."));

    static final Arbitrary<String> JSON_VALUE = NASTY.map(s -> "\"" + jsonEscape(s) + "\"");

    @Test
    void noInputMakesTheServerFail() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath().getMap("paths");
        List<String[]> operations = new ArrayList<>();
        paths.forEach((path, ops) -> ops.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete").contains(m))
                .forEach(m -> operations.add(new String[] { m.toUpperCase(), path })));
        for (String page : List.of("/", "/releases/{id}", "/pipelines/{name}", "/rollouts/{name}", "/templates/job/{name}",
                "/access", "/login")) {
            operations.add(new String[] { "GET", page });
        }
        for (String action : List.of("/releases/{id}/actions/abort", "/pipelines/{name}/backfill/pause", "/access/tokens",
                "/login")) {
            operations.add(new String[] { "POST", action });
        }
        assertThat(operations).hasSizeGreaterThan(40);

        List<String> wrong = new ArrayList<>();
        int sent = 0;
        for (String[] op : operations) {
            for (int i = 0; i < ROUNDS_PER_OPERATION; i++) {
                String path = op[1];
                while (path.contains("{")) {
                    int a = path.indexOf('{');
                    int b = path.indexOf('}', a);
                    path = path.substring(0, a) + URLEncoder.encode(sample(NASTY), StandardCharsets.UTF_8).replace("+", "%20")
                            + path.substring(b + 1);
                }
                RequestSpecification request = given().urlEncodingEnabled(false)
                        .config(io.restassured.RestAssured.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)));
                // the request line stays within the transport's 64 KiB limit, past which only a bare 414 is possible
                int length = path.length();
                for (String q : List.of("page", "size", "rollout", "state", "user", "action", "actor", "from", "to", "next")) {
                    if (Arbitraries.integers().between(0, 3).sample() == 0) {
                        String v = URLEncoder.encode(sample(NASTY), StandardCharsets.UTF_8);
                        if (length + v.length() < 60_000) {
                            request.queryParam(q, v);
                            length += v.length() + q.length() + 2;
                        }
                    }
                }
                if (Arbitraries.integers().between(0, 4).sample() == 0) {
                    // what a client library lets through: a header with non-ASCII or odd printable characters
                    request.header("X-Fuzz", sample(Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(50)));
                }
                if (!op[0].equals("GET") && !op[0].equals("DELETE")) {
                    if (op[1].startsWith("/api/")) {
                        request.contentType("application/json").body(jsonBody());
                    } else {
                        request.contentType("application/x-www-form-urlencoded")
                                .body("reason=" + URLEncoder.encode(sample(NASTY), StandardCharsets.UTF_8) + "&name="
                                        + URLEncoder.encode(sample(NASTY), StandardCharsets.UTF_8) + "&username="
                                        + URLEncoder.encode(sample(NASTY), StandardCharsets.UTF_8) + "&password=x");
                    }
                }
                Response r = request.request(op[0], path);
                sent++;
                int status = r.statusCode();
                String type = r.contentType() == null ? "" : r.contentType();
                boolean htmlPage = type.startsWith("text/html");
                if (status >= 500 || (status >= 400 && !htmlPage && !type.startsWith("application/problem+json"))) {
                    wrong.add(op[0] + " " + path.substring(0, Math.min(path.length(), 200)) + " → " + status + " " + type
                            + " " + r.asString().substring(0, Math.min(300, r.asString().length())));
                }
            }
        }
        assertThat(sent).isGreaterThan(1000);
        assertThat(wrong).isEmpty();
    }

    static String jsonBody() {
        StringBuilder b = new StringBuilder("{");
        int fields = Arbitraries.integers().between(0, 6).sample();
        List<String> keys = List.of("name", "version", "image", "reason", "password", "kind", "bindings", "rollout",
                "database", "expiresIn", "user", "change", "current", "apiVersion", "metadata", "spec");
        for (int i = 0; i < fields; i++) {
            String key = Arbitraries.integers().between(0, 3).sample() == 0 ? sample(NASTY) : sample(Arbitraries.of(keys));
            String value = switch (Arbitraries.integers().between(0, 3).sample()) {
                case 0 -> "[" + sample(JSON_VALUE) + "]";
                case 1 -> "{\"role\": " + sample(JSON_VALUE) + ", \"namespace\": " + sample(JSON_VALUE) + "}";
                default -> sample(JSON_VALUE);
            };
            b.append(i == 0 ? "" : ", ").append('"').append(jsonEscape(key)).append("\": ").append(value);
        }
        return b.append('}').toString();
    }

    static <T> T sample(Arbitrary<T> a) {
        return a.sample();
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
