package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/** With the HTTP layer's header check off, a response header that would split the response is dropped, not sent. */
class HeaderFieldsTest {

    @Test
    void responseHeadersThatBreakTheRulesAreDropped() {
        // the kind of map a response's headers are (it checks nothing while vertx.disableHttpHeadersValidation is set)
        MultiMap headers = HttpHeaders.headers()
                .add("Location", "/login?next=/x\r\nSet-Cookie: pwned=1")
                .add("X-Bare-Cr", "a\rb")
                .add("Bad Name", "v")
                .add("X-Multi", "kept")
                .add("X-Multi", "dropped\u0000")
                .add("X-Tab", "a\tb")
                .add("Content-Type", "application/problem+json");

        assertThat(HeaderFields.dropInvalid(headers)).containsExactly("Location", "X-Bare-Cr", "Bad Name", "X-Multi");

        assertThat(headers.names()).containsExactlyInAnyOrder("X-Multi", "X-Tab", "Content-Type");
        assertThat(headers.getAll("X-Multi")).containsExactly("kept");
        assertThat(headers.get("X-Tab")).isEqualTo("a\tb");
    }

    @Test
    void tokensAndValues() {
        assertThat(HeaderFields.isToken("X-Request-Id")).isTrue();
        assertThat(HeaderFields.isToken("a!#$%&'*+-.^_`|~9")).isTrue();
        assertThat(HeaderFields.isToken("")).isFalse();
        assertThat(HeaderFields.isToken("X Trace")).isFalse();
        assertThat(HeaderFields.isToken("X:Trace")).isFalse();
        assertThat(HeaderFields.isToken("X-Tr\u00e4ce")).isFalse();
        assertThat(HeaderFields.isValue("text/html; charset=\"utf-8\"\t")).isTrue();
        assertThat(HeaderFields.isValue("caf\u00e9")).isTrue();
        assertThat(HeaderFields.isValue("a\nb")).isFalse();
        assertThat(HeaderFields.isValue("a\u007fb")).isFalse();
    }
}
