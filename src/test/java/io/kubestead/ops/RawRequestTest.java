package io.kubestead.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Requests no HTTP client library would send, written on a socket: an address that is not a valid URI, a malformed
 * percent-escape in the path or the query, a control character (a bare CR, say) in a header value or name. Each is a
 * 400 problem+json naming where the fault is, not an empty 400 from the HTTP layer or a closed connection.
 */
@QuarkusTest
class RawRequestTest extends ApiTest {

    static String send(String requestLine, String... headers) throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A complete problem+json answer with this status: the status line, the media type, and all four members. */
    static void assertProblem(String what, String response, int status) {
        assertThat(response).as(what).startsWith("HTTP/1.1 " + status + " ");
        int end = response.indexOf("\r\n\r\n");
        assertThat(end).as(what).isPositive();
        assertThat(response.substring(0, end).toLowerCase()).as(what).contains("\r\ncontent-type: application/problem+json");
        assertThat(new JsonObject(response.substring(end + 4)).getMap()).as(what)
                .containsKeys("type", "title", "detail").containsEntry("status", status);
    }

    @Test
    void addressesThatAreNotValidUrisGetAProblemNamingThePart() throws Exception {
        for (String[] c : new String[][] {
                { "GET /api/v1/releases/%zz HTTP/1.1", "\"path\"", "malformed percent-escape" },
                { "GET /api/v1/releases/%e2%82 HTTP/1.1", "\"path\"", "not UTF-8" },
                { "GET /api/v1/releases?page=%G1 HTTP/1.1", "\"page\"", "malformed percent-escape" },
                { "GET /api/v1/releases/a\"b{c} HTTP/1.1", "\"path\"", "is not a valid address (illegal character in path" },
                { "GET /api/v1/releases?state=a|b HTTP/1.1", "\"query\"", "is not a valid address (illegal character in query" } }) {
            String response = send(c[0]);
            assertProblem(c[0], response, 400);
            assertThat(response).as(c[0]).contains("\"path\":" + c[1]).contains(c[2]);
        }
    }

    @Test
    void headerValuesWithControlCharactersGetAProblemNamingTheHeader() throws Exception {
        for (String value : new String[] { "a\u0001b", "a\rb", "a\u0000b", "a\u007fb" }) {
            String what = "X-Trace value " + value.chars().mapToObj(c -> Integer.toHexString(c)).toList();
            String response = send("GET /api/v1/releases HTTP/1.1", "X-Trace: " + value);
            assertProblem(what, response, 400);
            assertThat(response).as(what).contains("\"path\":\"header X-Trace\"").contains("must not contain control characters");
        }
    }

    @Test
    void headerNamesThatAreNotTokensGetAProblem() throws Exception {
        String response = send("GET /api/v1/releases HTTP/1.1", "X-\u0001Trace: a");
        assertProblem("a control character in a header name", response, 400);
        assertThat(response).contains("\"path\":\"header\"").contains("names must be tokens");
    }

    @Test
    void longAddressesAndHeaderSectionsGetAProblemToo() throws Exception {
        assertProblem("a 20,000-character address", send("GET /api/v1/releases?q=" + "a".repeat(20_000) + " HTTP/1.1"), 414);
        String[] headers = new String[40];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = "X-Filler-" + i + ": " + "b".repeat(1000);
        }
        assertProblem("40 KiB of headers", send("GET /api/v1/releases HTTP/1.1", headers), 431);
    }

    @Test
    void aNormalRequestStillWorksAfterRejectedOnes() throws Exception {
        assertProblem("a bare CR in a header value", send("GET /api/v1/releases HTTP/1.1", "X-Trace: a\rb"), 400);
        String response = send("GET /q/health/live HTTP/1.1", "X-Trace: a\tb");
        assertThat(response).startsWith("HTTP/1.1 200 ").contains("\"status\": \"UP\"");
    }

    @Test
    void aResponseCannotBeSplitByWhatARequestCarries() throws Exception {
        // a page visited without signing in redirects to the sign-in page, naming the address in Location
        String redirect = send("GET /releases/x HTTP/1.1", "Accept: text/html");
        assertThat(redirect).startsWith("HTTP/1.1 303 ").containsIgnoringCase("\r\nLocation: /login?next=%2Freleases%2Fx\r\n");
        // an address or header that carries CR or LF is refused before anything reads it
        for (String[] c : new String[][] {
                { "GET /releases/x%0d%0aSet-Cookie:%20pwned=1 HTTP/1.1", "Accept: text/html" },
                { "GET /releases/x%0dSet-Cookie:pwned=1 HTTP/1.1", "Accept: text/html" },
                { "GET /releases/x HTTP/1.1", "Accept: text/html\rSet-Cookie: pwned=1" } }) {
            String response = send(c[0], Arrays.copyOfRange(c, 1, c.length));
            assertProblem(c[0] + " " + c[1], response, 400);
            String head = response.substring(0, response.indexOf("\r\n\r\n"));
            assertThat(head.lines().filter(l -> l.toLowerCase().contains("pwned"))).as(c[0] + " " + c[1]).isEmpty();
        }
    }
}
