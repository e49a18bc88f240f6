package io.kubestead.security;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.ApiException;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.common.Stored;

/** Who am I, users and their role bindings, API tokens, and the security audit trail. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
public class AccessResource {

    /** The principal of this request and what it may do. */
    public record WhoAmI(String actor, String user, String via, List<Binding> bindings, Long token) {
    }

    @Inject
    CurrentCaller current;

    @Inject
    UserService users;

    @Inject
    TokenService tokens;

    @Inject
    AuditLog audit;

    @GET
    @Path("whoami")
    @Allow(Permission.SIGNED_IN)
    @Operation(summary = "The principal of this request, how it authenticated and its role bindings")
    public WhoAmI whoami() {
        Caller c = current.get();
        return new WhoAmI(c.actor(), c.user(), c.via().name().toLowerCase(java.util.Locale.ROOT), c.bindings(), c.tokenId());
    }

    @GET
    @Path("users")
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Users and service accounts with their role bindings")
    public Page<UserService.UserView> users(@QueryParam("page") String page, @QueryParam("size") String size) {
        return Page.of(users.list(), PageRequest.of(page, size));
    }

    @POST
    @Path("users")
    @Consumes(MediaType.WILDCARD)
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Create a user {name, password, bindings: [{role, namespace}]} or a service account {name, kind: service, bindings}")
    public Response createUser(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        var created = users.create(current.get(), Requests.newUser(body, contentType), current.client());
        return Stored.created("/api/v1/users/" + created.name(), created);
    }

    @GET
    @Path("users/{name}")
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "One user with its role bindings")
    public UserService.UserView user(@PathParam("name") String name) {
        return users.get(name);
    }

    @PUT
    @Path("users/{name}/bindings")
    @Consumes(MediaType.WILDCARD)
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Replace a user's role bindings: {bindings: [{role, namespace?}]}")
    public UserService.UserView bindings(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return users.setBindings(current.get(), name, Requests.bindingsDocument(body, contentType), current.client());
    }

    @PUT
    @Path("users/{name}/slack")
    @Consumes(MediaType.WILDCARD)
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Map a user to their Slack member id (their Slack clicks count as theirs): {slackUserId: \"U123\" | null}")
    public UserService.UserView slack(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return users.setSlackId(current.get(), name, Requests.slackIdDocument(body, contentType), current.client());
    }

    @POST
    @Path("users/{name}/disable")
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Disable a user: its sessions end and its tokens stop working")
    public UserService.UserView disable(@PathParam("name") String name) {
        return users.disable(current.get(), name, current.client());
    }

    @PUT
    @Path("users/{name}/password")
    @Consumes(MediaType.WILDCARD)
    @Allow(Permission.SIGNED_IN)
    @Operation(summary = "Change a password: your own {current, password}, or anyone's as an admin {password}")
    public Response password(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        users.changePassword(current.get(), name, Requests.passwordChange(body, contentType), current.client());
        return Response.noContent().build();
    }

    @POST
    @Path("tokens")
    @Consumes(MediaType.WILDCARD)
    @Allow(Permission.SIGNED_IN)
    @Operation(summary = "Create an API token {name, expiresIn?, bindings?, user?}; the secret is in this answer only")
    public Response createToken(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        var created = tokens.create(current.get(), Requests.newToken(body, contentType), current.client());
        return Stored.created("/api/v1/tokens/" + created.details().id(), created);
    }

    @GET
    @Path("tokens")
    @Allow(Permission.SIGNED_IN)
    @Operation(summary = "Your tokens, or a user's (?user=, admins)")
    public Page<TokenService.TokenView> tokens(@QueryParam("user") String user, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return Page.of(tokens.list(current.get(), user), PageRequest.of(page, size));
    }

    @DELETE
    @Path("tokens/{id}")
    @Allow(Permission.SIGNED_IN)
    @Operation(summary = "Revoke a token (yours, or any as an admin)")
    public TokenService.TokenView revoke(@PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("id", "must be a token id (a number)");
        }
        return tokens.revoke(current.get(), n, current.client());
    }

    @GET
    @Path("audit")
    @Allow(Permission.ADMINISTER)
    @Operation(summary = "Security events: sign-ins, failed sign-ins, tokens, users and role changes (newest first)")
    public Page<AuditLog.Entry> audit(@QueryParam("action") String action, @QueryParam("actor") String actor,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        return audit.list(action, actor, PageRequest.of(page, size));
    }
}
