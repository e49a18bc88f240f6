package io.kubestead.console;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.kubestead.common.ApiException;
import io.kubestead.engine.Action;
import io.kubestead.engine.ReleaseActions;
import io.kubestead.kube.ClusterInfo;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;

/** The operator console: full pages for plain requests, fragments for htmx, live through server-sent events. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(List<ConsoleService.Row> rows, ClusterInfo.View cluster);

        static native TemplateInstance overview$rows(List<ConsoleService.Row> rows);

        static native TemplateInstance release(ConsoleService.Detail detail, ClusterInfo.View cluster);

        static native TemplateInstance release$detail(ConsoleService.Detail detail);
    }

    @Inject
    ConsoleService console;

    @Inject
    ClusterInfo cluster;

    @Inject
    ReleaseActions actions;

    @Inject
    ConsoleEvents events;

    @GET
    @Operation(hidden = true)
    public TemplateInstance overview(@HeaderParam("HX-Request") String htmx) {
        List<ConsoleService.Row> rows = console.overview();
        return htmx != null ? Templates.overview$rows(rows) : Templates.overview(rows, cluster.view());
    }

    @GET
    @Path("releases/{id}")
    @Operation(hidden = true)
    public TemplateInstance release(@PathParam("id") String id, @HeaderParam("HX-Request") String htmx) {
        ConsoleService.Detail detail = console.detail(id, null);
        return htmx != null ? Templates.release$detail(detail) : Templates.release(detail, cluster.view());
    }

    @POST
    @Path("releases/{id}/actions/{action: pause|resume|promote|promote-full|abort|retry}")
    @Operation(hidden = true)
    public TemplateInstance act(@PathParam("id") String id, @PathParam("action") String action,
            @FormParam("reason") String reason, @FormParam("actor") String actor) {
        String error = null;
        try {
            String who = actor == null || actor.isBlank() ? "console:operator" : "console:" + actor.trim();
            actions.act(id, Action.ofPath(action), who, reason == null || reason.isBlank() ? null : reason.trim());
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            error = e.getMessage();
        }
        return Templates.release$detail(console.detail(id, error));
    }

    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true)
    public Multi<OutboundSseEvent> events(Sse sse) {
        return events.stream().onItem().transformToMultiAndConcatenate(c -> Multi.createFrom().items(
                sse.newEventBuilder().name("release").data(String.valueOf(c.releaseId())).build(),
                sse.newEventBuilder().name("release-" + c.releaseId()).data(c.state().name()).build()));
    }
}
