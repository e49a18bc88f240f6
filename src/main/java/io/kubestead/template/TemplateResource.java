package io.kubestead.template;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

/** Job templates and analysis templates share one shape of API. */
@Path("/api/v1/{kind: job-templates|analysis-templates}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Templates")
public class TemplateResource {

    @Inject
    TemplateService templates;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @PUT
    @Allow(Permission.ADMINISTER)
    @Path("{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create or replace a template (YAML or JSON)")
    public Response put(@PathParam("kind") String kind, @PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        TemplateKind k = TemplateKind.ofCollection(kind);
        return templates.put(k, name, body, contentType, caller.get(), caller.client()).response("/api/v1/" + k.collection + "/" + name);
    }

    @GET
    @Allow(Permission.READ)
    @Path("{name}")
    public TemplateView get(@PathParam("kind") String kind, @PathParam("name") String name) {
        return templates.get(TemplateKind.ofCollection(kind), name);
    }

    @GET
    @Allow(Permission.READ)
    public Page<TemplateView.Summary> list(@PathParam("kind") String kind, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return templates.list(TemplateKind.ofCollection(kind), PageRequest.of(page, size));
    }

    @DELETE
    @Allow(Permission.ADMINISTER)
    @Path("{name}")
    public Response delete(@PathParam("kind") String kind, @PathParam("name") String name) {
        templates.delete(TemplateKind.ofCollection(kind), name);
        return Response.noContent().build();
    }
}
