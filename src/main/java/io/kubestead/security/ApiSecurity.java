package io.kubestead.security;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** The API's security schemes in the OpenAPI document, so that Swagger UI and generated clients send a token. */
@OpenAPIDefinition(info = @Info(title = "Kubestead API", version = "v1"),
        security = { @SecurityRequirement(name = "token"), @SecurityRequirement(name = "basic") })
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "ks_…", description = "An API token (POST /api/v1/tokens)"),
        @SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
                description = "A person's user name and password (for scripts; prefer tokens)"),
        @SecurityScheme(securitySchemeName = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE,
                apiKeyName = SessionService.COOKIE, description = "The console's session (changes also need X-CSRF-Token)") })
public class ApiSecurity extends Application {
}
