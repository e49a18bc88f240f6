package io.kubestead.rollout.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kubestead.common.ApiException;
import io.kubestead.common.Durations;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;
import io.kubestead.rollout.spec.RolloutSpec.FailureAction;
import io.kubestead.rollout.spec.RolloutSpec.Hook;
import io.kubestead.rollout.spec.RolloutSpec.Target;

/**
 * Validates a rollout document ({@code rollout: {...}}) strictly and turns it into a {@link RolloutSpec}; writes
 * a spec back as the canonical document. Paths in errors are relative to the {@code rollout} mapping, as users
 * read them: {@code canarySteps[2].pause.duration}.
 */
public final class RolloutSpecParser {

    static final List<String> STEP_KINDS = List.of("setWeight", "pause", "analysis", "approval");

    private RolloutSpecParser() {
    }

    public static RolloutSpec parse(Object document) {
        List<FieldError> errors = new ArrayList<>();
        RolloutSpec spec = parse(document, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return spec;
    }

    static RolloutSpec parse(Object document, List<FieldError> errors) {
        Node root = Node.root(document, errors);
        if (!root.isMap() || !root.has("rollout")) {
            errors.add(new FieldError("rollout", "is required: the document is a mapping with the single key 'rollout'"));
            return null;
        }
        Node r = Node.at(root.map().get("rollout"), "", errors);
        root.child("rollout");
        for (String key : root.map().keySet()) {
            if (!key.equals("rollout")) {
                errors.add(new FieldError(key, "unknown field; the document has the single key 'rollout'"));
            }
        }
        if (!r.isMap()) {
            errors.add(new FieldError("rollout", "must be a mapping, not " + Node.describe(r.value())));
            return null;
        }
        String name = r.dnsLabel("name", true);
        Target target = target(r.child("target"));
        TrafficRouting routing = routing(r.child("trafficRouting"));
        List<Hook> hooks = hooks(r.list("preDeployHooks", false));
        List<Step> steps = new ArrayList<>();
        for (Node s : r.list("canarySteps", false)) {
            Step step = step(s);
            if (step != null) {
                steps.add(step);
            }
        }
        RolloutSpec.BackgroundAnalysis analysis = background(r.child("analysis"), steps.size());
        List<RolloutSpec.Subscription> notifications = r.has("notifications") ? subscriptions(r.list("notifications", true))
                : null;
        r.finish();
        return errors.isEmpty() ? new RolloutSpec(name, target, routing, hooks, steps, analysis, notifications) : null;
    }

    static final java.util.regex.Pattern CHANNEL = java.util.regex.Pattern.compile("slack|webhook:[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private static List<RolloutSpec.Subscription> subscriptions(List<Node> nodes) {
        List<RolloutSpec.Subscription> out = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.expectMap()) {
                continue;
            }
            String channel = n.string("channel", true, 80);
            if (channel != null && !CHANNEL.matcher(channel).matches()) {
                n.error("channel", Node.quote(channel) + " is not slack or webhook:<name>");
            }
            List<String> on = new ArrayList<>();
            for (Node k : n.list("events", true)) {
                if (k.value() instanceof String s && (s.equals("all") || RolloutSpec.Subscription.KINDS.contains(s))) {
                    on.add(s);
                } else {
                    k.error("must be all or one of " + String.join(", ", RolloutSpec.Subscription.KINDS) + ", not "
                            + Node.describe(k.value()));
                }
            }
            n.finish();
            out.add(new RolloutSpec.Subscription(on, channel));
        }
        return out;
    }

    private static RolloutSpec.BackgroundAnalysis background(Node a, int steps) {
        if (a.isNull() || !a.expectMap()) {
            return null;
        }
        List<String> templates = new ArrayList<>();
        List<Node> items = a.list("templates", true);
        if (a.has("templates") && items.isEmpty() && a.map().get("templates") instanceof List) {
            a.error("templates", "needs at least one analysis template");
        }
        for (Node t : items) {
            if (t.value() instanceof String s && Node.DNS_LABEL.matcher(s).matches() && s.length() <= 63) {
                templates.add(s);
            } else {
                t.error("must be the name of an analysis template (a DNS-1123 label)");
            }
        }
        Integer starting = a.integer("startingStep", false, 0, Math.max(0, steps));
        Map<String, String> args = a.child("args").scalarMap();
        a.finish();
        return new RolloutSpec.BackgroundAnalysis(templates, starting == null ? 0 : starting, args);
    }

    private static Target target(Node t) {
        if (t.isNull() || !t.expectMap()) {
            return null;
        }
        String namespace = t.dnsLabel("namespace", false);
        String deployment = t.dnsLabel("deployment", false);
        t.finish();
        return new Target(namespace, deployment);
    }

    private static TrafficRouting routing(Node t) {
        if (t.isNull() || !t.expectMap()) {
            return null;
        }
        t.known(List.of("replicas", "gatewayAPI"));
        int kinds = (t.has("replicas") ? 1 : 0) + (t.has("gatewayAPI") ? 1 : 0);
        TrafficRouting result = null;
        if (kinds != 1) {
            t.error("must have exactly one of 'replicas' or 'gatewayAPI'");
        }
        if (t.has("replicas")) {
            Node rep = t.child("replicas");
            if (!rep.isNull() && rep.expectMap()) {
                rep.finish();
            }
            result = new TrafficRouting.Replicas();
        }
        if (t.has("gatewayAPI")) {
            Node g = t.child("gatewayAPI");
            if (g.expectMap()) {
                String route = g.dnsLabel("httpRoute", true);
                String stable = g.dnsLabel("stableService", true);
                String canary = g.dnsLabel("canaryService", true);
                if (stable != null && stable.equals(canary)) {
                    g.error("canaryService", "must differ from stableService");
                }
                g.finish();
                result = new TrafficRouting.GatewayApi(route, stable, canary);
            }
        }
        t.finish();
        return result;
    }

    private static List<Hook> hooks(List<Node> nodes) {
        List<Hook> hooks = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Node h : nodes) {
            if (!h.expectMap()) {
                continue;
            }
            String name = h.dnsLabel("name", true);
            String template = h.dnsLabel("jobTemplate", true);
            FailureAction action = FailureAction.ABORT;
            Node fa = h.child("failureAction");
            if (!fa.isNull()) {
                if ("abort".equals(fa.value())) {
                    action = FailureAction.ABORT;
                } else if ("continue".equals(fa.value())) {
                    action = FailureAction.CONTINUE;
                } else {
                    fa.error("must be 'abort' or 'continue', not "
                            + (fa.value() instanceof String s ? Node.quote(s) : Node.describe(fa.value())));
                }
            }
            RolloutSpec.Migration migration = h.has("migration") ? migration(h.child("migration")) : null;
            if (name != null) {
                String earlier = seen.putIfAbsent(name, h.path());
                if (earlier != null) {
                    h.error("name", "duplicate hook name " + Node.quote(name) + " (also at " + earlier + ")");
                }
            }
            h.finish();
            hooks.add(new Hook(name, template, action, migration));
        }
        return hooks;
    }

    /** {database, sql | configMap: {name, key}}: exactly one source of the SQL. */
    private static RolloutSpec.Migration migration(Node m) {
        if (!m.expectMap()) {
            return null;
        }
        String database = m.string("database", true, 63);
        String sql = m.string("sql", false, 100_000);
        String cmName = null;
        String cmKey = null;
        if (m.has("configMap")) {
            Node cm = m.child("configMap");
            if (cm.expectMap()) {
                cmName = cm.string("name", true, 253);
                if (cmName != null && !cmName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
                    cm.error("name", Node.quote(cmName) + " is not a ConfigMap name (DNS-1123 subdomain)");
                }
                cmKey = cm.string("key", true, 253);
                if (cmKey != null && !cmKey.matches("[-._a-zA-Z0-9]+")) {
                    cm.error("key", Node.quote(cmKey) + " is not a ConfigMap key (letters, digits, '-', '_', '.')");
                }
                cm.finish();
            }
        }
        if ((sql == null) == (cmName == null && !m.has("configMap"))) {
            m.error("must have exactly one of sql or configMap");
        }
        m.finish();
        return new RolloutSpec.Migration(database, sql, cmName, cmKey);
    }

    private static Step step(Node s) {
        if (!s.expectMap()) {
            return null;
        }
        s.known(STEP_KINDS);
        List<String> kinds = STEP_KINDS.stream().filter(s::has).toList();
        if (kinds.size() != 1) {
            if (kinds.isEmpty()) {
                s.error("a step needs exactly one of " + String.join(", ", STEP_KINDS));
            } else {
                s.error("a step has exactly one kind, but this one has " + String.join(" and ", kinds));
            }
        }
        Step step = null;
        if (s.has("setWeight")) {
            Integer w = s.integer("setWeight", true, 0, 100);
            step = w == null ? null : new Step.SetWeight(w);
        }
        if (s.has("pause")) {
            Node p = s.child("pause");
            Duration d = null;
            if (!p.isNull() && p.expectMap()) {
                d = Durations.field(p, "duration", false);
                p.finish();
            }
            step = new Step.Pause(d);
        }
        if (s.has("analysis")) {
            Node a = s.child("analysis");
            if (a.expectMap()) {
                String template = a.dnsLabel("template", true);
                Map<String, String> args = a.child("args").scalarMap();
                a.finish();
                step = new Step.Analysis(template, args);
            }
        }
        if (s.has("approval")) {
            ApprovalPolicy policy = ApprovalPolicy.parse(s.child("approval"));
            step = policy == null ? null : new Step.Approval(policy);
        }
        s.finish();
        return step;
    }

    /** The canonical document of a spec, with defaults written out; parsing it gives the same spec. */
    public static Map<String, Object> toDocument(RolloutSpec spec) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", spec.name());
        if (spec.target() != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            putIfNotNull(t, "namespace", spec.target().namespace());
            putIfNotNull(t, "deployment", spec.target().deployment());
            r.put("target", t);
        }
        if (spec.trafficRouting() instanceof TrafficRouting.Replicas) {
            r.put("trafficRouting", Map.of("replicas", Map.of()));
        } else if (spec.trafficRouting() instanceof TrafficRouting.GatewayApi g) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("httpRoute", g.httpRoute());
            m.put("stableService", g.stableService());
            m.put("canaryService", g.canaryService());
            r.put("trafficRouting", Map.of("gatewayAPI", m));
        }
        List<Object> hooks = new ArrayList<>();
        for (Hook h : spec.preDeployHooks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("jobTemplate", h.jobTemplate());
            m.put("failureAction", h.failureAction().text());
            if (h.migration() != null) {
                Map<String, Object> mig = new LinkedHashMap<>();
                mig.put("database", h.migration().database());
                if (h.migration().sql() != null) {
                    mig.put("sql", h.migration().sql());
                } else {
                    mig.put("configMap", Map.of("name", h.migration().configMapName(), "key", h.migration().configMapKey()));
                }
                m.put("migration", mig);
            }
            hooks.add(m);
        }
        r.put("preDeployHooks", hooks);
        List<Object> steps = new ArrayList<>();
        for (Step s : spec.canarySteps()) {
            steps.add(stepDocument(s));
        }
        r.put("canarySteps", steps);
        if (spec.analysis() != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("templates", spec.analysis().templates());
            a.put("startingStep", spec.analysis().startingStep());
            if (!spec.analysis().args().isEmpty()) {
                a.put("args", spec.analysis().args());
            }
            r.put("analysis", a);
        }
        if (spec.notifications() != null) {
            List<Object> subs = new ArrayList<>();
            for (RolloutSpec.Subscription sub : spec.notifications()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("events", sub.events());
                m.put("channel", sub.channel());
                subs.add(m);
            }
            r.put("notifications", subs);
        }
        return Map.of("rollout", r);
    }

    public static Map<String, Object> stepDocument(Step s) {
        if (s instanceof Step.SetWeight w) {
            return Map.of("setWeight", w.weight());
        }
        if (s instanceof Step.Pause p) {
            return Map.of("pause", p.duration() == null ? Map.of() : Map.of("duration", Durations.format(p.duration())));
        }
        if (s instanceof Step.Approval a) {
            return Map.of("approval", a.policy().document());
        }
        Step.Analysis a = (Step.Analysis) s;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("template", a.template());
        if (!a.args().isEmpty()) {
            m.put("args", a.args());
        }
        return Map.of("analysis", m);
    }

    private static void putIfNotNull(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
