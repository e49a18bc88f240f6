package io.kubestead.analysis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kubestead.common.ApiException;
import io.kubestead.common.Durations;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;

/**
 * Validates an analysis template document ({@code analysisTemplate: {...}}) strictly: the provider, the
 * conditions (parsed here, so a bad expression is a 400 when the template is stored, never a failure at rollout
 * time), the timing and the limits, and the placeholders used in queries.
 */
public final class AnalysisSpecParser {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
    static final List<String> BUILT_INS = List.of("rollout", "release", "version", "namespace", "stable", "canary");
    static final Pattern JSON_PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_-]+|\\[\\d+])*");

    private AnalysisSpecParser() {
    }

    /** Validates a stored-to-be document; the name in the address must match the document's. */
    public static Map<String, Object> validate(String name, Object document) {
        List<FieldError> errors = new ArrayList<>();
        AnalysisSpec spec = parse(document, errors);
        if (spec != null) {
            requireReferencedSecrets(spec, errors);
        }
        if (spec != null && !spec.name().equals(name)) {
            errors.add(new FieldError("analysisTemplate.name", "is " + Node.quote(spec.name()) + " but the address names "
                    + Node.quote(name) + "; they must agree"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) document;
        return map;
    }

    public static AnalysisSpec parse(Object document) {
        List<FieldError> errors = new ArrayList<>();
        AnalysisSpec spec = parse(document, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return spec;
    }

    static AnalysisSpec parse(Object document, List<FieldError> errors) {
        Node root = Node.root(document, errors);
        if (!root.isMap() || !root.has("analysisTemplate")) {
            errors.add(new FieldError("analysisTemplate", "is required: the document is a mapping with the single key 'analysisTemplate'"));
            return null;
        }
        Node t = root.child("analysisTemplate");
        root.finish();
        if (!t.expectMap()) {
            return null;
        }
        String name = t.dnsLabel("name", true);
        Map<String, String> args = t.child("args").scalarMap();
        AnalysisSpec.Provider provider = provider(t.child("provider"));
        Expr success = condition(t, "successCondition");
        Expr failure = condition(t, "failureCondition");
        if (success == null && failure == null && !t.has("successCondition") && !t.has("failureCondition")) {
            t.error("successCondition", "a template needs a successCondition, a failureCondition or both");
        }
        Duration interval = Durations.field(t, "interval", false);
        if (interval != null && interval.compareTo(minInterval()) < 0) {
            t.error("interval", "must be at least " + Durations.format(minInterval()) + " (kubestead.analysis.min-interval)");
        }
        Integer count = t.integer("count", false, 1, maxCount());
        Duration initialDelay = Durations.field(t, "initialDelay", false, true);
        Integer failureLimit = t.integer("failureLimit", false, 0, 10_000);
        Integer inconclusiveLimit = t.integer("inconclusiveLimit", false, 0, 10_000);
        Integer errorLimit = t.integer("consecutiveErrorLimit", false, 0, 10_000);
        t.finish();
        if (provider != null) {
            checkPlaceholders(t, provider, args);
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new AnalysisSpec(name, args, provider, success, failure,
                interval == null ? AnalysisSpec.DEFAULT_INTERVAL : interval, count,
                initialDelay == null ? Duration.ZERO : initialDelay, failureLimit == null ? 0 : failureLimit,
                inconclusiveLimit == null ? 0 : inconclusiveLimit, errorLimit == null ? 4 : errorLimit);
    }

    private static Expr condition(Node t, String key) {
        String text = t.string(key, false, Expr.MAX_LENGTH);
        if (text == null) {
            return null;
        }
        try {
            return Expr.parse(text);
        } catch (ExprException e) {
            t.error(key, Node.quote(text) + " " + e.getMessage());
            return null;
        }
    }

    private static AnalysisSpec.Provider provider(Node p) {
        if (p.isNull()) {
            p.error("is required: prometheus {address, query} or web {url, jsonPath, headers}");
            return null;
        }
        if (!p.expectMap()) {
            return null;
        }
        p.known(List.of("prometheus", "web"));
        int kinds = (p.has("prometheus") ? 1 : 0) + (p.has("web") ? 1 : 0);
        if (kinds != 1) {
            p.error("must have exactly one of 'prometheus' or 'web'");
        }
        AnalysisSpec.Provider result = null;
        if (p.has("prometheus")) {
            Node n = p.child("prometheus");
            if (n.expectMap()) {
                String address = url(n, "address");
                String query = n.string("query", true, 10_000);
                n.finish();
                result = new AnalysisSpec.Prometheus(address, query);
            }
        }
        if (p.has("web")) {
            Node n = p.child("web");
            if (n.expectMap()) {
                String url = url(n, "url");
                String jsonPath = n.string("jsonPath", true, 500);
                if (jsonPath != null && !JSON_PATH.matcher(jsonPath).matches()) {
                    n.error("jsonPath", Node.quote(jsonPath) + " is not a path like $.data.errorRate or $.values[0]");
                }
                Map<String, AnalysisSpec.Header> headers = headers(n.child("headers"));
                Duration timeout = Durations.field(n, "timeout", false);
                if (timeout != null && timeout.compareTo(maxTimeout()) > 0) {
                    n.error("timeout", "must be at most " + Durations.format(maxTimeout()) + " (kubestead.analysis.max-timeout)");
                }
                n.finish();
                result = new AnalysisSpec.Web(url, jsonPath, headers, timeout == null ? Duration.ofSeconds(10) : timeout);
            }
        }
        p.finish();
        return result;
    }

    /** Bounds of what a template may ask: no busy polling, no request that waits for ever, no endless runs. */
    static Duration minInterval() {
        return setting("kubestead.analysis.min-interval", Duration.class, Duration.ofSeconds(1));
    }

    static Duration maxTimeout() {
        return setting("kubestead.analysis.max-timeout", Duration.class, Duration.ofSeconds(30));
    }

    static int maxCount() {
        return setting("kubestead.analysis.max-count", Integer.class, 1_000);
    }

    /** A setting read where the parser runs (stored templates are checked against it when stored). */
    private static <T> T setting(String name, Class<T> type, T dflt) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, type).orElse(dflt);
    }

    public static final String ENV_PREFIX = "KUBESTEAD_ANALYSIS_";
    static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    static final Pattern ENV_NAME = Pattern.compile(ENV_PREFIX + "[A-Z0-9_]{1,100}");

    /** Header values: text, or {valueFrom: {secretKeyRef: {name, key}}}, or {valueFrom: {env: KUBESTEAD_ANALYSIS_…}}. */
    private static Map<String, AnalysisSpec.Header> headers(Node h) {
        Map<String, AnalysisSpec.Header> out = new java.util.LinkedHashMap<>();
        if (h.isNull() || !h.expectMap()) {
            return out;
        }
        for (String name : h.map().keySet()) {
            Node v = h.child(name);
            if (!HEADER_NAME.matcher(name).matches()) {
                v.error("is not a valid header name");
                continue;
            }
            if ("host".equalsIgnoreCase(name)) {
                v.error("is set by Kubestead from the URL's host");
                continue;
            }
            if (v.value() instanceof String || v.value() instanceof Number || v.value() instanceof Boolean) {
                String text = v.value() instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(v.value());
                if (io.kubestead.common.Text.hasControl(text)) {
                    v.error("must not contain control characters");
                } else {
                    out.put(name, new AnalysisSpec.Literal(text));
                }
                continue;
            }
            if (!v.expectMap()) {
                continue;
            }
            Node from = v.child("valueFrom");
            v.finish();
            if (!from.expectMap()) {
                continue;
            }
            if (from.has("secretKeyRef")) {
                Node ref = from.child("secretKeyRef");
                if (ref.expectMap()) {
                    String secret = ref.dnsLabel("name", true);
                    String key = ref.string("key", true, 253);
                    if (key != null && !key.matches("[-._a-zA-Z0-9]+")) {
                        ref.error("key", "is not a Secret key (letters, digits, '-', '_', '.')");
                    }
                    ref.finish();
                    out.put(name, new AnalysisSpec.FromSecret(secret, key));
                }
            } else if (from.has("env")) {
                String env = from.string("env", true, 120);
                if (env != null && !ENV_NAME.matcher(env).matches()) {
                    from.error("env", "must name a variable starting with " + ENV_PREFIX
                            + " (other variables of the server are not for templates)");
                }
                out.put(name, new AnalysisSpec.FromEnv(env));
            } else {
                from.error("must have secretKeyRef {name, key} or env");
            }
            from.known(List.of("secretKeyRef", "env"));
            from.finish();
        }
        return out;
    }

    /**
     * The document as anyone may read it: literal header values shown as ***. Null when there is nothing to hide.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> masked(Map<String, Object> document) {
        Object t = document.get("analysisTemplate");
        if (!(t instanceof Map<?, ?> tm) || !(tm.get("provider") instanceof Map<?, ?> pm)
                || !(pm.get("web") instanceof Map<?, ?> wm) || !(wm.get("headers") instanceof Map<?, ?> hm)) {
            return null;
        }
        Map<String, Object> headers = new java.util.LinkedHashMap<>();
        boolean hidden = false;
        for (Map.Entry<?, ?> e : hm.entrySet()) {
            boolean literal = !(e.getValue() instanceof Map);
            hidden |= literal;
            headers.put(String.valueOf(e.getKey()), literal ? "***" : e.getValue());
        }
        if (!hidden) {
            return null;
        }
        Map<String, Object> web = new java.util.LinkedHashMap<>((Map<String, Object>) wm);
        web.put("headers", headers);
        Map<String, Object> provider = new java.util.LinkedHashMap<>((Map<String, Object>) pm);
        provider.put("web", web);
        Map<String, Object> template = new java.util.LinkedHashMap<>((Map<String, Object>) tm);
        template.put("provider", provider);
        Map<String, Object> out = new java.util.LinkedHashMap<>(document);
        out.put("analysisTemplate", template);
        return out;
    }

    /** Literal header values are for the sandbox (or when kubestead.analysis.literal-headers allows them). */
    static void requireReferencedSecrets(AnalysisSpec spec, List<FieldError> errors) {
        if (!(spec.provider() instanceof AnalysisSpec.Web w)) {
            return;
        }
        boolean allowed = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("kubestead.analysis.literal-headers", Boolean.class)
                .orElse(io.kubestead.kube.SandboxCluster.active());
        if (!allowed) {
            w.headers().forEach((k, v) -> {
                if (v instanceof AnalysisSpec.Literal) {
                    errors.add(new FieldError("analysisTemplate.provider.web.headers." + k, "literal header values are "
                            + "stored in the template; use valueFrom: {secretKeyRef: {name, key}} or valueFrom: {env: "
                            + ENV_PREFIX + "…} (or set kubestead.analysis.literal-headers=true)"));
                }
            });
        }
    }

    /** The sandbox's demo metric source, wherever the server listens (resolved by the server itself). */
    public static final String SANDBOX_PROMETHEUS = "sandbox://prometheus";

    private static String url(Node n, String key) {
        String s = n.string(key, true, 2000);
        if (s == null || SANDBOX_PROMETHEUS.equals(s) && "address".equals(key)) {
            return s;
        }
        String probe = PLACEHOLDER.matcher(s).replaceAll("x");
        try {
            URI u = URI.create(probe);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                n.error(key, "is not an http(s) URL");
            } else if (u.getRawUserInfo() != null) {
                // never echoed back: the message does not repeat the URL
                n.error(key, "must not carry credentials (user:password@); send them in a header with valueFrom");
            }
        } catch (IllegalArgumentException e) {
            n.error(key, "is not an http(s) URL");
        }
        return s;
    }

    /** Every {{...}} must name a built-in or args.x; args without a default must come from the step. */
    private static void checkPlaceholders(Node t, AnalysisSpec.Provider provider, Map<String, String> args) {
        List<String[]> texts = new ArrayList<>();
        if (provider instanceof AnalysisSpec.Prometheus p) {
            texts.add(new String[] { "provider.prometheus.query", p.query() });
            texts.add(new String[] { "provider.prometheus.address", p.address() });
        } else if (provider instanceof AnalysisSpec.Web w) {
            texts.add(new String[] { "provider.web.url", w.url() });
            w.headers().forEach((k, v) -> {
                if (v instanceof AnalysisSpec.Literal l) {
                    texts.add(new String[] { "provider.web.headers." + k, l.text() });
                }
            });
        }
        for (String[] pathText : texts) {
            if (pathText[1] == null) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(pathText[1]);
            while (m.find()) {
                String ref = m.group(1);
                if (!BUILT_INS.contains(ref) && !(ref.startsWith("args.") && ref.length() > 5)) {
                    t.errors().add(new FieldError("analysisTemplate." + pathText[0], "{{" + ref + "}} is not a known "
                            + "placeholder; use {{args.<name>}} or one of " + BUILT_INS));
                }
            }
        }
    }

    /** Substitutes {{args.x}} and the built-ins; a placeholder with no value is an error naming it. */
    public static String substitute(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new ExprException("placeholder {{" + m.group(1) + "}} has no value");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }
}
