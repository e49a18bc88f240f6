package io.kubestead.pipeline;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

@Path("/api/v1/databases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipelines")
public class DatabaseResource {

    @Inject
    TargetDatabases databases;

    @GET
    @Allow(Permission.READ)
    @Operation(summary = "The configured target databases: reachable, server version, size, and whether Kubestead connects as a superuser")
    public io.kubestead.common.Page<TargetDatabases.Status> list(@jakarta.ws.rs.QueryParam("page") String page,
            @jakarta.ws.rs.QueryParam("size") String size) {
        var request = io.kubestead.common.PageRequest.of(page, size);
        // only the targets of the page are contacted
        var names = io.kubestead.common.Page.of(List.copyOf(databases.names()), request);
        return names.map(databases::status);
    }

    @Inject
    io.kubestead.check.Checks checks;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @jakarta.ws.rs.POST
    @Path("{name}/checks")
    @Allow(Permission.CONFIGURE)
    @jakarta.ws.rs.Consumes(MediaType.WILDCARD)
    @Operation(summary = "Check a migration against a target database: lint, a dry run on a schema-only shadow, and the "
            + "stable version's queries planned against the result; returns the stored report with its verdict")
    public jakarta.ws.rs.core.Response check(@jakarta.ws.rs.PathParam("name") String name, byte[] body, @jakarta.ws.rs.HeaderParam(jakarta.ws.rs.core.HttpHeaders.CONTENT_TYPE) String contentType) {
        io.kubestead.check.CheckRequest req = io.kubestead.check.CheckRequest.parse(body, contentType);
        io.kubestead.check.CheckReport report = checks.check(new io.kubestead.check.Checks.Request(name, "manual", null, null, null,
                java.util.List.of(new io.kubestead.check.Checks.PhaseSql("migration", req.sql(), false)), null, req.stableQueries(),
                req.stableRoles(), caller.get().actor())).get(0);
        return io.kubestead.common.Stored.created("/api/v1/checks/" + report.id(), report);
    }

}
