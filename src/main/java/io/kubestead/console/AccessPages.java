package io.kubestead.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.kubestead.common.ApiException;
import io.kubestead.kube.ClusterInfo;
import io.kubestead.security.Binding;
import io.kubestead.security.Caller;
import io.kubestead.security.CurrentCaller;
import io.kubestead.security.Permission;
import io.kubestead.security.Requests;
import io.kubestead.security.TokenService;
import io.kubestead.security.UserService;
import io.kubestead.security.Allow;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The console's access page: one's own tokens and password; for admins, users, service accounts and their role
 * bindings. Every change goes through the same services (and rules) as the API.
 */
@Path("/access")
@Produces(MediaType.TEXT_HTML)
public class AccessPages {

    /** What the page shows; {@code secret} is a token just created, shown this once. */
    public record Panel(Caller me, List<TokenService.TokenView> tokens, List<UserService.UserView> users, String secret,
            String error, String notice) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance access(Panel panel, ClusterInfo.View cluster);

        static native TemplateInstance access$panel(Panel panel);
    }

    @Inject
    CurrentCaller current;

    @Inject
    UserService users;

    @Inject
    TokenService tokens;

    @Inject
    ClusterInfo cluster;

    @GET
    @Allow(Permission.SIGNED_IN)
    @Operation(hidden = true)
    public Response page() {
        return ConsoleResource.html(Templates.access(panel(null, null, null), cluster.view()));
    }

    @POST
    @Path("tokens")
    @Allow(Permission.SIGNED_IN)
    @Operation(hidden = true)
    public Response createToken(@FormParam("name") String name, @FormParam("expiresIn") String expiresIn) {
        return act(() -> {
            var created = tokens.create(current.get(), Requests.newToken(io.kubestead.common.Documents.checked(document("name", name, "expiresIn", expiresIn))),
                    current.client());
            return panel(created.token(), null, "Token " + created.details().name() + " created. Copy it now: it is not shown again.");
        });
    }

    @POST
    @Path("tokens/{id}/revoke")
    @Allow(Permission.SIGNED_IN)
    @Operation(hidden = true)
    public Response revoke(@PathParam("id") long id) {
        return act(() -> {
            var t = tokens.revoke(current.get(), id, current.client());
            return panel(null, null, "Token " + t.name() + " revoked.");
        });
    }

    @POST
    @Path("password")
    @Allow(Permission.SIGNED_IN)
    @Operation(hidden = true)
    public Response password(@FormParam("current") String currentPassword, @FormParam("password") String password) {
        return act(() -> {
            Caller me = current.get();
            users.changePassword(me, me.user(), Requests.passwordChange(io.kubestead.common.Documents.checked(
                    document("current", currentPassword, "password", password))), current.client());
            return panel(null, null, "Password changed; sign in again with the new one.");
        });
    }

    @POST
    @Path("users")
    @Allow(Permission.ADMINISTER)
    @Operation(hidden = true)
    public Response createUser(@FormParam("name") String name, @FormParam("kind") String kind,
            @FormParam("password") String password, @FormParam("bindings") String bindings) {
        return act(() -> {
            Map<String, Object> doc = document("name", name, "kind", kind, "password", password);
            doc.put("bindings", parse(bindings).stream().map(b -> b.namespace() == null ? Map.of("role", b.role().name())
                    : Map.of("role", b.role().name(), "namespace", b.namespace())).toList());
            var u = users.create(current.get(), Requests.newUser(io.kubestead.common.Documents.checked(doc)), current.client());
            return panel(null, null, "User " + u.name() + " created.");
        });
    }

    @POST
    @Path("users/{name}/bindings")
    @Allow(Permission.ADMINISTER)
    @Operation(hidden = true)
    public Response bindings(@PathParam("name") String name, @FormParam("bindings") String bindings) {
        return act(() -> {
            var u = users.setBindings(current.get(), name, parse(bindings), current.client());
            return panel(null, null, "Roles of " + u.name() + ": " + (u.bindings().isEmpty() ? "none"
                    : Binding.format(u.bindings())) + ".");
        });
    }

    @POST
    @Path("users/{name}/disable")
    @Allow(Permission.ADMINISTER)
    @Operation(hidden = true)
    public Response disable(@PathParam("name") String name) {
        return act(() -> {
            users.disable(current.get(), name, current.client());
            return panel(null, null, "User " + name + " disabled.");
        });
    }

    private Response act(java.util.function.Supplier<Panel> change) {
        Panel p;
        try {
            p = change.get();
        } catch (ApiException e) {
            p = panel(null, e.summary(), null);
        }
        return ConsoleResource.html(Templates.access$panel(p));
    }

    private Panel panel(String secret, String error, String notice) {
        Caller me = current.get();
        List<TokenService.TokenView> mine = me.user() == null ? List.of() : tokens.list(me, me.user());
        List<UserService.UserView> all = me.can(Permission.ADMINISTER, null) ? users.list() : List.of();
        return new Panel(me, mine, all, secret, error, notice);
    }

    /** "operator@payments, viewer" as bindings; errors name the item. */
    static List<Binding> parse(String text) {
        return Binding.parseList(text, i -> "bindings[" + i + "]");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A request document of the form's fields; an empty field is an absent one. */
    private static Map<String, Object> document(String... keysAndValues) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!blank(keysAndValues[i + 1])) {
                doc.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return doc;
    }
}
