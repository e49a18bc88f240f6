package io.kubestead.pipeline;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

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

import io.kubestead.release.ReleaseActions;

@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipelines")
public class PipelineResource {

    @Inject
    PipelineService pipelines;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @POST
    @Allow(Permission.CONFIGURE)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create an expand-migrate-contract pipeline; its SQL is generated and shown before it runs")
    public Response create(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        PipelineView view = pipelines.create(PipelineRequest.parse(body, contentType), caller.get());
        return io.kubestead.common.Stored.created("/api/v1/pipelines/" + view.name(), view);
    }

    @GET
    @Allow(Permission.READ)
    public io.kubestead.common.Page<PipelineView> list(@jakarta.ws.rs.QueryParam("page") String page,
            @jakarta.ws.rs.QueryParam("size") String size) {
        return pipelines.list(io.kubestead.common.PageRequest.of(page, size));
    }

    @GET
    @Allow(Permission.READ)
    @Path("{name}")
    public PipelineView get(@PathParam("name") String name) {
        return pipelines.get(name);
    }

    @POST
    @Allow(Permission.CONFIGURE)
    @Path("{name}/phases/{phase}/start")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a phase; its SQL is checked first. 409 listing every unmet gate and, when the check is "
            + "blocked, its findings; an admin may start it anyway with {\"override\": {\"reason\": \"...\"}} (audited)")
    public PipelineView start(@PathParam("name") String name, @PathParam("phase") String phase, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return pipelines.start(name, phase, caller.get(), overrideReason(body, contentType));
    }

    /** The optional body of a start: {override: {reason}}; none means no override. */
    static String overrideReason(byte[] body, String contentType) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        List<io.kubestead.common.FieldError> errors = new java.util.ArrayList<>();
        io.kubestead.common.Node root = io.kubestead.common.Node.root(io.kubestead.common.Documents.read(body, contentType), errors);
        String reason = root.expectMap() ? io.kubestead.check.Overrides.reason(root) : null;
        root.finish();
        if (!errors.isEmpty()) {
            throw io.kubestead.common.ApiException.invalid(errors);
        }
        return reason;
    }

    @POST
    @Allow(Permission.RELEASE_ACT)
    @Path("{name}/abort")
    @Consumes(MediaType.WILDCARD)
    public PipelineView abort(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return pipelines.abort(name, caller.get(), ReleaseActions.parseReason(body, contentType));
    }

    @POST
    @Allow(Permission.RELEASE_ACT)
    @Path("{name}/backfill/{action: pause|resume|cancel}")
    @Consumes(MediaType.WILDCARD)
    public PipelineView backfill(@PathParam("name") String name, @PathParam("action") String action) {
        return pipelines.backfillAction(name, action, caller.get());
    }
}
