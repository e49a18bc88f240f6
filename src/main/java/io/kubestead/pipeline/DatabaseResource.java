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
}
