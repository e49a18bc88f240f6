package io.kubestead.analysis;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Takes one measurement from a provider. Failures to measure are {@link ExprException}s with a plain message. */
@ApplicationScoped
@io.kubestead.common.RemoteCall
public class MetricProviders {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MetricProviders.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Response bodies are read up to this size; a larger one is an error, never buffered whole. */
    static final int MAX_BODY = 1024 * 1024;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @jakarta.inject.Inject
    EgressPolicy egress;

    @jakarta.inject.Inject
    HeaderValues secrets;

    /** A measurement that could not be taken: the message says why in a few words, {@code sent} what was asked. */
    public static class Failed extends ExprException {
        private final String sent;

        public Failed(String message, String sent) {
            super(message);
            this.sent = sent;
        }

        public String sent() {
            return sent;
        }
    }

    /** A measured value (Double, Boolean, String or a List of them) and the query or URL as sent. */
    public record Reading(Object value, String query) {
    }

    public Reading measure(AnalysisSpec.Provider provider, Map<String, String> values) {
        if (provider instanceof AnalysisSpec.Prometheus p) {
            return prometheus(p, values);
        }
        return web((AnalysisSpec.Web) provider, values);
    }

    private Reading prometheus(AnalysisSpec.Prometheus p, Map<String, String> values) {
        // a query written over several lines (YAML's |) is one line to PromQL: line breaks are plain whitespace there,
        // and a request line carrying control characters is refused by servers that check them (Kubestead's own does)
        String query = AnalysisSpecParser.substitute(p.query(), values).strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        String address = AnalysisSpecParser.substitute(p.address(), values).replaceAll("/+$", "");
        if (AnalysisSpecParser.SANDBOX_PROMETHEUS.equals(address)) {
            if (!io.kubestead.kube.SandboxCluster.active()) {
                throw new Failed(AnalysisSpecParser.SANDBOX_PROMETHEUS + " is the sandbox's demo source; on a real cluster the "
                        + "template must name a Prometheus", query);
            }
            // the port this server listens on, whatever it is: the example works on any port
            address = "http://127.0.0.1:" + EgressPolicy.ownPort() + "/sandbox/prometheus";
        }
        URI uri;
        try {
            uri = URI.create(address + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new Failed("the address is not a URL", query);
        }
        JsonNode body;
        try {
            body = get(uri, Map.of(), Duration.ofSeconds(10), true);
        } catch (ExprException e) {
            throw new Failed(e.getMessage(), query);
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new Failed("Prometheus answered " + body.path("errorType").asText("an error") + ": "
                    + truncate(body.path("error").asText(""), 300), query);
        }
        try {
            return reading(body.path("data"), query);
        } catch (Failed e) {
            throw e;
        } catch (ExprException e) {
            throw new Failed(e.getMessage(), query);
        }
    }

    private static Reading reading(JsonNode data, String query) {
        JsonNode result = data.path("result");
        return switch (data.path("resultType").asText()) {
            case "scalar" -> new Reading(sample(result.path(1)), query);
            case "vector" -> {
                List<Object> out = new ArrayList<>();
                for (JsonNode series : result) {
                    out.add(sample(series.path("value").path(1)));
                }
                yield new Reading(out, query);
            }
            default -> throw new Failed("Prometheus returned a " + truncate(data.path("resultType").asText(), 20)
                    + "; the query must give a scalar or an instant vector", query);
        };
    }

    private static Double sample(JsonNode v) {
        String s = v.asText();
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new ExprException("Prometheus returned a sample that is not a number");
                }
            }
        };
    }

    private Reading web(AnalysisSpec.Web w, Map<String, String> values) {
        String url = AnalysisSpecParser.substitute(w.url(), values);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        w.headers().forEach((k, v) -> headers.put(k, secrets.value(k, v, values)));
        String sent = "GET " + url + " " + w.jsonPath();
        JsonNode body;
        try {
            body = get(URI.create(url), headers, w.timeout(), false);
        } catch (IllegalArgumentException e) {
            throw new Failed("the URL is not valid", sent);
        } catch (ExprException e) {
            throw new Failed(e.getMessage(), sent);
        }
        JsonNode node = body;
        String path = w.jsonPath().substring(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)]").matcher(path);
        while (m.find()) {
            node = m.group(1) != null ? node.path(m.group(1)) : node.path(Integer.parseInt(m.group(2)));
        }
        if (node.isMissingNode() || node.isNull()) {
            throw new Failed("jsonPath not found", sent);
        }
        try {
            return new Reading(value(node, 0), sent);
        } catch (ExprException e) {
            throw new Failed(e.getMessage(), sent);
        }
    }

    /** Numbers, booleans and short lists of them; anything else is an error naming its type, never stored. */
    private static Object value(JsonNode node, int depth) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue());
            } catch (NumberFormatException e) {
                throw new ExprException("the value at jsonPath is a string, not a number or boolean");
            }
        }
        if (node.isArray() && depth == 0) {
            if (node.size() > 100) {
                throw new ExprException("the value at jsonPath is a list of " + node.size() + " items (at most 100)");
            }
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(value(n, 1)));
            return out;
        }
        throw new ExprException("the value at jsonPath is " + (node.isArray() ? "a nested list" : "an object")
                + ", not a number, boolean or list of them");
    }

    static String truncate(String s, int max) {
        String clean = s.replaceAll("[\\p{Cntrl}]", " ");
        return clean.length() <= max ? clean : clean.substring(0, max) + "…";
    }

    /**
     * One GET within the egress policy. Errors say what happened in a few words (HTTP 503, not JSON, could not
     * connect) and never quote the body or the headers; a Prometheus error document is read for its errorType.
     */
    private JsonNode get(URI uri, Map<String, String> headers, Duration timeout, boolean prometheus) {
        java.net.InetAddress address = egress.check(uri);
        HttpRequest.Builder b = EgressPolicy.requestTo(uri, address).timeout(timeout).GET().header("Accept", "application/json");
        headers.forEach((name, value) -> {
            if (!"host".equalsIgnoreCase(name)) {
                b.header(name, value);
            }
        });
        try {
            HttpResponse<java.io.InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (java.io.InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new ExprException("the response is larger than " + (MAX_BODY / 1024) + " KiB");
            }
            int status = response.statusCode();
            if (status / 100 == 3) {
                throw new ExprException("HTTP " + status + " (redirects are not followed)");
            }
            if (status / 100 != 2) {
                if (prometheus) {
                    JsonNode error = readJson(body);
                    if (error != null && "error".equals(error.path("status").asText())) {
                        throw new ExprException("Prometheus answered HTTP " + status + ", "
                                + truncate(error.path("errorType").asText("error"), 40) + ": "
                                + truncate(error.path("error").asText(""), 300));
                    }
                }
                throw new ExprException("HTTP " + status);
            }
            JsonNode json = readJson(body);
            if (json == null) {
                throw new ExprException("not JSON");
            }
            return json;
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ExprException("timed out after " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            // one message for every way a connection fails: no port scanner out of closed, open and filtered ports
            throw new ExprException("could not connect to " + uri.getHost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExprException("interrupted");
        } catch (IllegalArgumentException e) {
            throw new ExprException("the request is not valid (a header name or value)");
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
