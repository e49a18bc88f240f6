package io.kubestead.release;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.release.ReleaseView;

@Path("/api/v1/releases/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Releases")
public class ActionResource {

    @Inject
    ReleaseActions actions;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @POST
    @Allow(Permission.RELEASE_ACT)
    @Path("{action: pause|resume|promote|promote-full|abort|retry}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Act on a release; the optional body {\"reason\": \"...\"} is recorded with the actor")
    public ReleaseView act(@PathParam("id") String id, @PathParam("action") String action, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return actions.act(id, Action.ofPath(action), caller.get(), ReleaseActions.parseReason(body, contentType));
    }
}
