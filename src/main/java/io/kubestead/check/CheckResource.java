package io.kubestead.check;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.ApiException;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

@Path("/api/v1/checks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Schema checks")
public class CheckResource {

    @Inject
    Checks checks;

    @GET
    @Path("{id}")
    @Allow(Permission.READ)
    public CheckReport get(@PathParam("id") String id) {
        return checks.get(id(id));
    }

    @GET
    @Allow(Permission.READ)
    @Operation(summary = "Stored checks, newest first; ?database=, ?pipeline= and ?release= narrow them")
    public Page<CheckReport> list(@QueryParam("database") String database, @QueryParam("pipeline") String pipeline,
            @QueryParam("release") String release, @QueryParam("page") String page, @QueryParam("size") String size) {
        Long releaseId = null;
        if (release != null && !release.isBlank()) {
            try {
                releaseId = Long.parseLong(release);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("release", "must be a release id (a number)");
            }
        }
        return checks.list(database, pipeline, releaseId, PageRequest.of(page, size));
    }

    /** A check id from a path; anything else is a 404 (as an unknown id is). */
    public static long id(String id) {
        try {
            long v = Long.parseLong(id);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiException.notFound("There is no schema check " + io.kubestead.common.Names.quote(id) + ".");
    }
}
