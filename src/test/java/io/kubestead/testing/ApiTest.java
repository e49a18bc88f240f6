package io.kubestead.testing;

import java.util.UUID;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;

/** Base of API tests: REST Assured sends YAML bodies as text. */
public abstract class ApiTest {

    public static final String YAML = "application/yaml";

    static {
        RestAssured.config = RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs(YAML, ContentType.TEXT)
                .encodeContentTypeAs("text/plain", ContentType.TEXT));
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
