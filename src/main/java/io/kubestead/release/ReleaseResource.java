package io.kubestead.release;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;

@Allow(Permission.READ)
@Path("/api/v1/releases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Releases")
public class ReleaseResource {

    @Inject
    ReleaseService releases;

    @GET
    @Path("{id}")
    public ReleaseView get(@PathParam("id") String id) {
        return releases.get(id);
    }

    @GET
    public Page<ReleaseView> list(@QueryParam("rollout") String rollout, @QueryParam("state") String state,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        return releases.list(rollout, state, PageRequest.of(page, size));
    }

    @GET
    @Path("{id}/events")
    public Page<ReleaseView.Event> events(@PathParam("id") String id, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return releases.events(id, PageRequest.of(page, size));
    }
}
