package io.kubestead.rollout;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

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

import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;

@Path("/api/v1/rollouts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Rollouts")
public class RolloutResource {

    @Inject
    RolloutService rollouts;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @PUT
    @Allow(Permission.CONFIGURE)
    @Path("{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create or change a rollout from its spec (application/yaml or application/json)")
    public Response put(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return rollouts.put(name, body, contentType, caller.get()).response("/api/v1/rollouts/" + name);
    }

    @GET
    @Allow(Permission.READ)
    @Path("{name}")
    public RolloutView get(@PathParam("name") String name) {
        return rollouts.get(name);
    }

    @GET
    @Allow(Permission.READ)
    public Page<RolloutView.Summary> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        return rollouts.list(PageRequest.of(page, size));
    }

    @DELETE
    @Allow(Permission.CONFIGURE)
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        rollouts.delete(name, caller.get());
        return Response.noContent().build();
    }

    @GET
    @Allow(Permission.READ)
    @Path("{name}/revisions")
    public Page<RolloutView.RevisionSummary> revisions(@PathParam("name") String name, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return rollouts.revisions(name, PageRequest.of(page, size));
    }

    @GET
    @Allow(Permission.READ)
    @Path("{name}/revisions/{revision}")
    public RolloutView.Revision revision(@PathParam("name") String name, @PathParam("revision") String revision) {
        return rollouts.revision(name, revision);
    }
}
