package io.kubestead.bench;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.kubestead.release.ReleaseService;
import io.kubestead.release.ReleaseView;
import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

/**
 * Test sources only (never in the server): the same read as GET /api/v1/releases/{id} with no authentication at all,
 * the baseline of {@link AuthThroughputBench}.
 */
@Path("/api/v1/bench-unauthenticated/releases/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class UnauthenticatedReads {

    @Inject
    ReleaseService releases;

    @GET
    @Allow(Permission.PUBLIC)
    @Operation(hidden = true)
    public ReleaseView get(@PathParam("id") String id) {
        return releases.get(id);
    }
}
