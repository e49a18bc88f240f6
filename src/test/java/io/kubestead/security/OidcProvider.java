package io.kubestead.security;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A local OpenID Connect provider (WireMock): discovery, its signing keys, and a token endpoint that answers the
 * code {@code good-code} with an ID token for pat@example.com in group payments-oncall, and the code
 * {@code forged-code} with one signed by a key the provider never published.
 */
public class OidcProvider implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT = "kubestead";
    private WireMockServer wiremock;

    @Override
    public Map<String, String> start() {
        try {
            wiremock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            wiremock.start();
            String issuer = "http://127.0.0.1:" + wiremock.port() + "/realms/test";
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("k1");
            RsaJsonWebKey forger = RsaJwkGenerator.generateJwk(2048);
            forger.setKeyId("k1");
            wiremock.stubFor(get(urlPathEqualTo("/realms/test/.well-known/openid-configuration")).willReturn(okJson("""
                    {"issuer": "%1$s", "authorization_endpoint": "%1$s/auth", "token_endpoint": "%1$s/token",
                     "jwks_uri": "%1$s/certs", "userinfo_endpoint": "%1$s/userinfo", "end_session_endpoint": "%1$s/logout",
                     "response_types_supported": ["code"], "subject_types_supported": ["public"],
                     "id_token_signing_alg_values_supported": ["RS256"]}""".formatted(issuer))));
            wiremock.stubFor(get(urlPathEqualTo("/realms/test/certs"))
                    .willReturn(okJson(new JsonWebKeySet(key).toJson())));
            wiremock.stubFor(post(urlPathEqualTo("/realms/test/token")).withRequestBody(containing("code=good-code"))
                    .willReturn(okJson(tokens(idToken(issuer, key)))));
            wiremock.stubFor(post(urlPathEqualTo("/realms/test/token")).withRequestBody(containing("code=forged-code"))
                    .willReturn(okJson(tokens(idToken(issuer, forger)))));
            return Map.of("quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", issuer,
                    "quarkus.oidc.client-id", CLIENT,
                    "quarkus.oidc.credentials.secret", "a-test-client-secret-of-more-than-32-characters",
                    "kubestead.oidc.roles.\"payments-oncall\"", "operator@payments",
                    "kubestead.oidc.roles.\"*\"", "viewer");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String tokens(String idToken) {
        return "{\"access_token\": \"opaque-access-token\", \"token_type\": \"Bearer\", \"expires_in\": 300, "
                + "\"id_token\": \"" + idToken + "\"}";
    }

    static String idToken(String issuer, RsaJsonWebKey key) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(CLIENT);
        claims.setSubject("f3a1c2");
        claims.setClaim("email", "pat@example.com");
        claims.setStringListClaim("groups", List.of("payments-oncall", "staff"));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    @Override
    public void stop() {
        if (wiremock != null) {
            wiremock.stop();
        }
    }
}
