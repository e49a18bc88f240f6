package io.kubestead.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Requests no HTTP client library would send, written on a socket: an address that is not a valid URI, a malformed
 * percent-escape in the path or the query. Each is a 400 problem+json naming where the fault is, not an empty 400
 * from the HTTP layer.
 */
@QuarkusTest
class RawRequestTest extends ApiTest {

    static String send(String requestLine) throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
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
            assertThat(response).as(c[0]).startsWith("HTTP/1.1 400");
            assertThat(response.toLowerCase()).as(c[0]).contains("content-type: application/problem+json");
            assertThat(response).as(c[0]).contains("\"path\":" + c[1]).contains(c[2]);
        }
    }
}
