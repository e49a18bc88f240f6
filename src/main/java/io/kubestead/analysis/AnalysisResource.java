package io.kubestead.analysis;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.release.ReleaseService;

@Allow(Permission.READ)
@Path("/api/v1/releases/{id}/analysis")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Releases")
public class AnalysisResource {

    @Inject
    AnalysisService analysis;

    @Inject
    ReleaseService releases;

    @GET
    public io.kubestead.common.Page<AnalysisService.RunView> runs(@PathParam("id") String id,
            @jakarta.ws.rs.QueryParam("page") String page, @jakarta.ws.rs.QueryParam("size") String size) {
        var request = io.kubestead.common.PageRequest.of(page, size);
        return analysis.runs(releases.require(id).id, request);
    }
}
