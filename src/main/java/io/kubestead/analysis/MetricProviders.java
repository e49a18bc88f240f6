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
public class MetricProviders {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        String query = AnalysisSpecParser.substitute(p.query(), values);
        String address = AnalysisSpecParser.substitute(p.address(), values).replaceAll("/+$", "");
        URI uri = URI.create(address + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        JsonNode body = get(uri, Map.of(), Duration.ofSeconds(10));
        if (!"success".equals(body.path("status").asText())) {
            throw new ExprException("Prometheus answered " + body.path("errorType").asText("an error") + ": "
                    + body.path("error").asText(""));
        }
        JsonNode data = body.path("data");
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
            default -> throw new ExprException("Prometheus returned a " + data.path("resultType").asText()
                    + "; the query must give a scalar or an instant vector");
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
                    throw new ExprException("Prometheus returned a sample that is not a number: " + s);
                }
            }
        };
    }

    private Reading web(AnalysisSpec.Web w, Map<String, String> values) {
        String url = AnalysisSpecParser.substitute(w.url(), values);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        w.headers().forEach((k, v) -> headers.put(k, AnalysisSpecParser.substitute(v, values)));
        JsonNode body = get(URI.create(url), headers, w.timeout());
        JsonNode node = body;
        String path = w.jsonPath().substring(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)]").matcher(path);
        while (m.find()) {
            node = m.group(1) != null ? node.path(m.group(1)) : node.path(Integer.parseInt(m.group(2)));
        }
        if (node.isMissingNode() || node.isNull()) {
            throw new ExprException("the response has nothing at " + w.jsonPath());
        }
        return new Reading(value(node), "GET " + url + " " + w.jsonPath());
    }

    private static Object value(JsonNode node) {
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
                return node.textValue();
            }
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(value(n)));
            return out;
        }
        throw new ExprException("the value at the path is an object, not a number, string, boolean or list");
    }

    private JsonNode get(URI uri, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Accept", "application/json");
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new ExprException(uri.getHost() + " answered HTTP " + response.statusCode());
            }
            if (response.body().length > 4 * 1024 * 1024) {
                throw new ExprException("the response is larger than 4 MiB");
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ExprException("could not read " + uri.getScheme() + "://" + uri.getAuthority() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExprException("interrupted");
        } catch (IllegalArgumentException e) {
            throw new ExprException("bad request: " + e.getMessage());
        }
    }
}
