package io.kubestead.approval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.common.ApiException;
import io.kubestead.common.Page;
import io.kubestead.common.PageRequest;
import io.kubestead.security.Allow;
import io.kubestead.security.CurrentCaller;
import io.kubestead.security.Permission;

/** Approval requests: what waits on the caller, and one request with its decisions. */
@Path("/api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Approvals")
public class ApprovalResource {

    @Inject
    ApprovalService approvals;

    @Inject
    CurrentCaller caller;

    @GET
    @Allow(Permission.READ)
    @Operation(summary = "Approvals: state=pending (the default) lists what waits on the caller; approved, rejected, expired, cancelled or all list every one")
    public Page<ApprovalView> list(@QueryParam("state") String state, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return approvals.list(state, caller.get(), PageRequest.of(page, size));
    }

    @GET
    @Path("{id}")
    @Allow(Permission.READ)
    public ApprovalView get(@PathParam("id") String id) {
        return approvals.get(id(id), caller.get());
    }

    static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("There is no approval " + io.kubestead.common.Names.quote(text) + ".");
        }
    }

    /** A release's approval step: its requests, and decisions on the one open now. */
    @Path("/api/v1/releases/{id}/approvals")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Approvals")
    public static class OfRelease {

        @Inject
        ApprovalService approvals;

        @Inject
        CurrentCaller caller;

        @GET
        @Allow(Permission.READ)
        public List<ApprovalView> list(@PathParam("id") String id) {
            return approvals.ofRelease(ApprovalResource.id(id), caller.get());
        }

        @POST
        @Allow(Permission.APPROVE)
        @Consumes(MediaType.WILDCARD)
        @Operation(summary = "Approve or reject the approval step a release waits at: {decision: approve|reject, comment}; 409 when nothing waits, it expired, or the caller decided already")
        public ApprovalView decide(@PathParam("id") String id, byte[] body,
                @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
            ApprovalService.Decision d = ApprovalService.parseDecision(body, contentType, List.of(), new HashMap<>());
            return approvals.decideRelease(id, d, caller.get(), via(caller)).approval();
        }
    }

    /** A pipeline phase's approval gate. */
    @Path("/api/v1/pipelines/{name}/approvals")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Approvals")
    public static class OfPipeline {

        @Inject
        ApprovalService approvals;

        @Inject
        CurrentCaller caller;

        @POST
        @Allow(Permission.APPROVE)
        @Consumes(MediaType.WILDCARD)
        @Operation(summary = "Approve or reject the start of a pipeline phase: {decision: approve|reject, comment, phase?}; a rejection blocks the phase")
        public ApprovalView decide(@PathParam("name") String name, byte[] body,
                @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
            Map<String, String> extra = new HashMap<>();
            ApprovalService.Decision d = ApprovalService.parseDecision(body, contentType, List.of("phase"), extra);
            return approvals.decidePipeline(name, extra.get("phase"), d, caller.get(), via(caller)).approval();
        }
    }

    /** Decisions taken with the console's session are recorded as console decisions, others as API ones. */
    static ApprovalService.Via via(CurrentCaller caller) {
        return caller.get().isCookieSession() ? ApprovalService.Via.CONSOLE : ApprovalService.Via.API;
    }
}
