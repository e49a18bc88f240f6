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
    public List<TargetDatabases.Status> list() {
        return databases.statuses();
    }
}
