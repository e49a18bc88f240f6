package io.kubestead.release;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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

import io.kubestead.security.Allow;
import io.kubestead.security.Permission;

/** Starting a release of a rollout: the release feature's, under the rollout's address. */
@Path("/api/v1/rollouts/{name}/releases")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Rollouts")
public class RolloutReleasesResource {

    @Inject
    ReleaseService releases;

    @Inject
    io.kubestead.security.CurrentCaller caller;

    @Inject
    io.kubestead.check.HookChecks hookChecks;

    @Inject
    io.kubestead.rollout.RolloutService rollouts;

    @POST
    @Allow(Permission.RELEASE_START)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a release of the rollout: {\"version\": \"...\", \"image\": \"...\"}")
    public Response release(@PathParam("name") String name, byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        ReleaseService.NewRelease request = ReleaseService.parseNew(body, contentType);
        io.kubestead.security.Caller who = caller.get();
        // who may start it, before its hooks' SQL is checked (remote calls, no transaction open)
        who.require(Permission.RELEASE_START, rollouts.namespaceOf(name));
        if (request.overrideReason() != null) {
            who.require(Permission.ADMINISTER, null);
        }
        var checked = hookChecks.before(name, request.overrideReason(), who);
        ReleaseView created = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            ReleaseView view = releases.create(name, request, who);
            hookChecks.attach(checked, view.id(), request.overrideReason(), who);
            return view;
        });
        return io.kubestead.common.Stored.created("/api/v1/releases/" + created.id(), created);
    }
}
