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

import io.kubestead.approval.ApprovalService;
import io.kubestead.common.ApiException;
import io.kubestead.security.Allow;
import io.kubestead.security.CurrentCaller;
import io.kubestead.security.Permission;
import io.kubestead.release.Action;
import io.kubestead.release.ReleaseActions;
import io.kubestead.kube.ClusterInfo;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;

/**
 * The operator console: full pages for plain requests, fragments for htmx, live through server-sent events.
 * Pages render here, while the request is active, so that they know who is looking ({@link Viewer}).
 */
@Allow(Permission.READ)
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(List<ApprovalCard> waiting, String error, List<ConsoleService.Row> rows,
                List<ConsoleService.PipelineRow> pipelines, ClusterInfo.View cluster);

        static native TemplateInstance overview$rows(List<ApprovalCard> waiting, String error, List<ConsoleService.Row> rows,
                List<ConsoleService.PipelineRow> pipelines);

        static native TemplateInstance release(ConsoleService.Detail detail, ClusterInfo.View cluster);

        static native TemplateInstance release$detail(ConsoleService.Detail detail);

        static native TemplateInstance pipeline(io.kubestead.pipeline.PipelineView pipeline,
                java.util.Map<String, ApprovalCard> approvals, String error, ClusterInfo.View cluster);

        static native TemplateInstance pipeline$lanes(io.kubestead.pipeline.PipelineView pipeline,
                java.util.Map<String, ApprovalCard> approvals, String error);

        static native TemplateInstance rollouts(List<io.kubestead.rollout.RolloutView.Summary> rollouts,
                List<io.kubestead.template.TemplateView.Summary> jobTemplates,
                List<io.kubestead.template.TemplateView.Summary> analysisTemplates, ClusterInfo.View cluster);

        static native TemplateInstance rollout(io.kubestead.rollout.RolloutView rollout, String yaml,
                List<io.kubestead.rollout.RolloutView.RevisionSummary> revisions, int from, int to,
                List<LineDiff.Line> diff, ClusterInfo.View cluster);

        static native TemplateInstance template(io.kubestead.template.TemplateView template, ClusterInfo.View cluster);

        static native TemplateInstance check(io.kubestead.check.CheckReport check, ClusterInfo.View cluster);
    }

    @Inject
    io.kubestead.pipeline.PipelineService pipelines;

    @Inject
    CurrentCaller caller;

    static jakarta.ws.rs.core.Response html(TemplateInstance page) {
        return jakarta.ws.rs.core.Response.ok(page.render(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @Inject
    io.kubestead.rollout.RolloutService rollouts;

    @Inject
    io.kubestead.template.TemplateService templates;

    @GET
    @Path("pipelines/{name}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response pipeline(@PathParam("name") String name, @HeaderParam("HX-Request") String htmx) {
        var view = pipelines.get(name);
        var gates = approvals.ofPipeline(name, caller.get());
        return html(htmx != null ? Templates.pipeline$lanes(view, gates, null)
                : Templates.pipeline(view, gates, null, cluster.view()));
    }

    @POST
    @Allow(Permission.RELEASE_ACT)
    @Path("pipelines/{name}/{what: phases/(expand|migrate|contract)/start|backfill/(pause|resume|cancel)}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response pipelineAction(@PathParam("name") String name, @PathParam("what") String what) {
        String error = null;
        try {
            String[] parts = what.split("/");
            if (parts[0].equals("phases")) {
                pipelines.start(name, parts[1], caller.get(), null);
            } else {
                pipelines.backfillAction(name, parts[1], caller.get());
            }
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            error = e.summary();
        }
        return lanes(name, error);
    }

    private jakarta.ws.rs.core.Response lanes(String name, String error) {
        return html(Templates.pipeline$lanes(pipelines.get(name), approvals.ofPipeline(name, caller.get()), error));
    }

    @GET
    @Path("rollouts")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response rollouts() {
        var all = io.kubestead.common.PageRequest.of("0", "500");
        return html(Templates.rollouts(rollouts.list(all).items(),
                templates.list(io.kubestead.template.TemplateKind.JOB, all).items(),
                templates.list(io.kubestead.template.TemplateKind.ANALYSIS, all).items(), cluster.view()));
    }

    @GET
    @Path("rollouts/{name}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response rollout(@PathParam("name") String name, @jakarta.ws.rs.QueryParam("from") String from,
            @jakarta.ws.rs.QueryParam("to") String to) {
        var rollout = rollouts.get(name);
        int b = parse(to, rollout.revision());
        int a = parse(from, Math.max(1, b - 1));
        String yaml = yaml(rollouts.revision(name, String.valueOf(b)).spec());
        List<LineDiff.Line> diff = LineDiff.diff(yaml(rollouts.revision(name, String.valueOf(a)).spec()), yaml);
        return html(Templates.rollout(rollout, yaml(java.util.Map.of("rollout", rollout.spec())), rollouts.revisions(name),
                a, b, diff, cluster.view()));
    }

    @GET
    @Path("templates/{kind: job|analysis}/{name}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response template(@PathParam("kind") String kind, @PathParam("name") String name) {
        return html(Templates.template(templates.get("job".equals(kind) ? io.kubestead.template.TemplateKind.JOB
                : io.kubestead.template.TemplateKind.ANALYSIS, name), cluster.view()));
    }

    private static int parse(String s, int dflt) {
        try {
            return s == null ? dflt : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static String yaml(Object document) {
        org.yaml.snakeyaml.DumperOptions o = new org.yaml.snakeyaml.DumperOptions();
        o.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        return new org.yaml.snakeyaml.Yaml(o).dump(document);
    }

    @Inject
    ConsoleService console;

    @Inject
    ClusterInfo cluster;

    @Inject
    ReleaseActions actions;

    @Inject
    ConsoleEvents events;

    @Inject
    ConsoleApprovals approvals;

    @Inject
    ApprovalService approvalService;

    @GET
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response overview(@HeaderParam("HX-Request") String htmx) {
        return overview(htmx != null, null);
    }

    /** The overview, or its live part (what waits on the viewer, pipelines, releases) with an error to show. */
    private jakarta.ws.rs.core.Response overview(boolean fragment, String error) {
        long t0 = System.nanoTime();
        List<ApprovalCard> waiting = approvals.waiting(caller.orNull());
        List<ConsoleService.Row> rows = console.overview();
        List<ConsoleService.PipelineRow> pipelineRows = console.pipelines();
        String html = (fragment ? Templates.overview$rows(waiting, error, rows, pipelineRows)
                : Templates.overview(waiting, error, rows, pipelineRows, cluster.view())).render();
        // the server's own render time (queries and template), for browsers' dev tools and for the benchmark
        String timing = String.format(java.util.Locale.ROOT, "render;dur=%.2f", (System.nanoTime() - t0) / 1e6);
        return jakarta.ws.rs.core.Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).header("Server-Timing", timing)
                .build();
    }

    @Inject
    io.kubestead.check.Checks checks;

    @GET
    @Path("checks/{id}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response check(@PathParam("id") String id) {
        return html(Templates.check(checks.get(io.kubestead.check.CheckResource.id(id)), cluster.view()));
    }

    @GET
    @Path("releases/{id}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response release(@PathParam("id") String id, @HeaderParam("HX-Request") String htmx) {
        ConsoleService.Detail detail = console.detail(id, null, caller.orNull());
        return html(htmx != null ? Templates.release$detail(detail) : Templates.release(detail, cluster.view()));
    }

    @POST
    @Allow(Permission.RELEASE_ACT)
    @Path("releases/{id}/actions/{action: pause|resume|promote|promote-full|abort|retry}")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response act(@PathParam("id") String id, @PathParam("action") String action,
            @FormParam("reason") String reason) {
        String error = null;
        try {
            actions.act(id, Action.ofPath(action), caller.get(), io.kubestead.common.Text.clean("reason", reason, 1000));
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            error = e.getMessage();
        }
        return html(Templates.release$detail(console.detail(id, error, caller.orNull())));
    }

    /**
     * A decision on the approval a release waits for, from its page or the overview (htmx names the target): the
     * page part again, with a refusal (403, 409, a bad comment) shown in it.
     */
    @POST
    @Allow(Permission.APPROVE)
    @Path("releases/{id}/approvals")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response decideRelease(@PathParam("id") String id, @FormParam("decision") String decision,
            @FormParam("comment") String comment, @HeaderParam("HX-Target") String target) {
        String error = decide(decision, comment,
                d -> approvalService.decideRelease(id, d, caller.get(), ApprovalService.Via.CONSOLE));
        return OVERVIEW.equals(target) ? overview(true, error)
                : html(Templates.release$detail(console.detail(id, error, caller.orNull())));
    }

    /** A decision on a pipeline phase's approval, from its page or the overview. */
    @POST
    @Allow(Permission.APPROVE)
    @Path("pipelines/{name}/approvals")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response decidePipeline(@PathParam("name") String name, @FormParam("phase") String phase,
            @FormParam("decision") String decision, @FormParam("comment") String comment,
            @HeaderParam("HX-Target") String target) {
        String error = decide(decision, comment,
                d -> approvalService.decidePipeline(name, phase, d, caller.get(), ApprovalService.Via.CONSOLE));
        return OVERVIEW.equals(target) ? overview(true, error) : lanes(name, error);
    }

    /** The id of the overview's live part, which htmx sends as HX-Target when a form there posts. */
    static final String OVERVIEW = "overview";

    /** Takes a decision from a form; the refusal to show in the page, or null. A missing resource is a 404. */
    private static String decide(String decision, String comment,
            java.util.function.Consumer<ApprovalService.Decision> take) {
        try {
            if (!"approve".equals(decision) && !"reject".equals(decision)) {
                throw ApiException.invalid("decision", "choose approve or reject");
            }
            take.accept(new ApprovalService.Decision("approve".equals(decision),
                    io.kubestead.common.Text.clean("comment", comment, 1000)));
            return null;
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            return e.summary();
        }
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
