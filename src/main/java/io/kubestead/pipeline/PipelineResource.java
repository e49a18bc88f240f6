package io.kubestead.pipeline;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.Actors;
import io.kubestead.engine.ReleaseActions;

@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipelines")
public class PipelineResource {

    @Inject
    PipelineService pipelines;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create an expand-migrate-contract pipeline; its SQL is generated and shown before it runs")
    public Response create(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        PipelineView view = pipelines.create(PipelineRequest.parse(body, contentType));
        return Response.created(java.net.URI.create("/api/v1/pipelines/" + view.name())).entity(view).build();
    }

    @GET
    public List<PipelineView> list() {
        return pipelines.list();
    }

    @GET
    @Path("{name}")
    public PipelineView get(@PathParam("name") String name) {
        return pipelines.get(name);
    }

    @POST
    @Path("{name}/phases/{phase}/start")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a phase; 409 listing every unmet gate")
    public PipelineView start(@PathParam("name") String name, @PathParam("phase") String phase,
            @HeaderParam(Actors.HEADER) String actor) {
        return pipelines.start(name, phase, Actors.api(actor));
    }

    @POST
    @Path("{name}/abort")
    @Consumes(MediaType.WILDCARD)
    public PipelineView abort(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @HeaderParam(Actors.HEADER) String actor) {
        return pipelines.abort(name, Actors.api(actor), ReleaseActions.parseReason(body, contentType));
    }

    @POST
    @Path("{name}/backfill/{action: pause|resume|cancel}")
    @Consumes(MediaType.WILDCARD)
    public PipelineView backfill(@PathParam("name") String name, @PathParam("action") String action) {
        return pipelines.backfillAction(name, action);
    }
}
