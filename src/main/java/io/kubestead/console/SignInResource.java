package io.kubestead.console;


import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.kubestead.common.KubesteadConfig;
import io.kubestead.security.Allow;
import io.kubestead.security.CurrentCaller;
import io.kubestead.security.LoginPaths;
import io.kubestead.security.Permission;
import io.kubestead.security.SessionService;
import io.kubestead.security.UserService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The console's sign-in page, sign-in and sign-out. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SignInResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(String next, String message, String username, boolean sso);

        static native TemplateInstance signedIn(String next);
    }

    @Inject
    UserService users;

    @Inject
    SessionService sessions;

    @Inject
    CurrentCaller current;

    @Inject
    KubesteadConfig config;

    @Inject
    io.kubestead.security.FederatedSignIn federated;

    @GET
    @Path("login")
    @Allow(Permission.PUBLIC)
    @Operation(hidden = true)
    public Response page(@QueryParam("next") String next, @QueryParam("expired") String expired) {
        String target = LoginPaths.safeNext(next);
        if (current.orNull() != null) {
            return Response.status(Response.Status.SEE_OTHER).header("Location", target).build();
        }
        return page(200, target, expired != null ? "Your session has ended; sign in again." : null, null);
    }

    @POST
    @Path("login")
    @Allow(Permission.PUBLIC)
    @Operation(hidden = true)
    public Response signIn(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("next") String next, @Context UriInfo uri) {
        String target = LoginPaths.safeNext(next);
        String user = username == null ? "" : username.trim();
        if (user.isEmpty() || user.length() > 64 || password == null || password.isEmpty()
                || password.length() > io.kubestead.security.Passwords.MAX_LENGTH) {
            return page(400, target, "Enter your user name and password.", user.length() > 64 ? "" : user);
        }
        var outcome = users.checkPassword(user, password, current.client(), "console");
        if (outcome instanceof UserService.SignIn.Refused refused) {
            long seconds = Math.max(1, refused.retryAfter().toSeconds());
            return Response.fromResponse(page(429, target, "Too many failed sign-ins. Try again in " + seconds + " s.", user))
                    .header("Retry-After", seconds).build();
        }
        if (!(outcome instanceof UserService.SignIn.Ok)) {
            // the same words whether the user exists or not
            return page(401, target, "Wrong user name or password.", user);
        }
        var opened = sessions.open(user);
        NewCookie cookie = new NewCookie.Builder(SessionService.COOKIE).value(opened.secret()).path("/")
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT).secure(secure(uri))
                .maxAge((int) opened.maxAge().toSeconds()).build();
        return Response.status(Response.Status.SEE_OTHER).header("Location", target).cookie(cookie).build();
    }

    /**
     * Where the OpenID Connect provider sends a person back: the provider's sign-in (verified by Quarkus OIDC)
     * becomes a console session with the roles the person's groups map to.
     */
    @GET
    @Path("login/oidc")
    @Allow(Permission.PUBLIC)
    @Operation(hidden = true)
    public Response oidc(@Context UriInfo uri) {
        var signedIn = federated.signIn(current.client());
        if (signedIn == null) {
            return page(404, "/", "Single sign-on is not configured on this server.", null);
        }
        NewCookie cookie = new NewCookie.Builder(SessionService.COOKIE).value(signedIn.secret()).path("/")
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT).secure(secure(uri))
                .maxAge((int) signedIn.maxAge().toSeconds()).build();
        // the provider's own session cookie has done its job: Kubestead's session takes over
        NewCookie providerSession = new NewCookie.Builder("q_session").value("").path("/").httpOnly(true)
                .secure(secure(uri)).maxAge(0).build();
        // a page rather than a redirect: the browser arrived here from the provider's site, and would not send the
        // SameSite=Strict cookie on a redirect in that same navigation; this page's own navigation is same-site
        return Response.ok(Templates.signedIn("/").render(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .cookie(cookie, providerSession).build();
    }

    @POST
    @Path("logout")
    @Allow(Permission.SIGNED_IN)
    @Operation(hidden = true)
    public Response signOut(@jakarta.ws.rs.CookieParam(SessionService.COOKIE) String session,
            @jakarta.ws.rs.HeaderParam("HX-Request") String htmx, @Context UriInfo uri) {
        sessions.close(session, current.client());
        NewCookie gone = new NewCookie.Builder(SessionService.COOKIE).value("").path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).secure(secure(uri)).maxAge(0).build();
        // htmx follows a redirect inside its request and would lose HX-Redirect: it gets 204 and goes there itself
        return (htmx != null ? Response.noContent().header("HX-Redirect", "/login")
                : Response.status(Response.Status.SEE_OTHER).header("Location", "/login")).cookie(gone).build();
    }

    private boolean secure(UriInfo uri) {
        return "https".equalsIgnoreCase(uri.getBaseUri().getScheme())
                || config.security().publicUrl().map(u -> u.startsWith("https:")).orElse(false);
    }

    private Response page(int status, String next, String message, String username) {
        boolean sso = federated.enabled();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.login(next, message, username, sso).render()).build();
    }
}
