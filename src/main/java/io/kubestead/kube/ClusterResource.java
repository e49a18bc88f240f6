package io.kubestead.kube;

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Allow(Permission.READ)
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cluster")
public class ClusterResource {

    @Inject
    ClusterInfo cluster;

    @GET
    public ClusterInfo.View get() {
        return cluster.view();
    }
}
