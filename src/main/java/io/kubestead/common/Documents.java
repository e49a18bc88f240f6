package io.kubestead.common;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.UnicodeReader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a client's YAML or JSON document into plain maps, lists and scalars, with hard bounds: size, nesting
 * depth, alias use and node count. A hostile document (billion laughs, 10,000-deep nesting) is refused quickly
 * with a 400 and never expands in memory.
 */
public final class Documents {

    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 32;
    public static final int MAX_NODES = 10_000;
    public static final int MAX_ALIASES = 20;

    public enum Format {
        YAML, JSON
    }

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_BYTES)
                    .maxNumberLength(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private Documents() {
    }

    /** The document format of a Content-Type; anything else is a 415. */
    public static Format formatOf(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw unsupported(contentType);
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/json" -> Format.JSON;
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> Format.YAML;
            default -> {
                if (type.endsWith("+json")) {
                    yield Format.JSON;
                }
                if (type.endsWith("+yaml")) {
                    yield Format.YAML;
                }
                throw unsupported(contentType);
            }
        };
    }

    private static ApiException unsupported(String contentType) {
        return new ApiException(415, "Unsupported Media Type",
                "Content-Type " + (contentType == null || contentType.isBlank() ? "(none)" : "'" + contentType + "'")
                        + " is not supported; send application/yaml or application/json.",
                null);
    }

    /** Reads a body; the result is a Map, List, String, Boolean, BigInteger, BigDecimal or null. */
    public static Object read(byte[] body, String contentType) {
        return read(body, formatOf(contentType));
    }

    public static Object read(byte[] body, Format format) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("The request body is empty; send a document.");
        }
        if (body.length > MAX_BYTES) {
            throw ApiException.tooLarge("Documents are limited to " + MAX_BYTES + " bytes; this one has " + body.length + ".");
        }
        Object raw = format == Format.JSON ? readJson(body) : readYaml(body);
        if (raw == null) {
            throw ApiException.badRequest("The document is empty.");
        }
        return normalize(raw, "", 0, new int[] { 0 });
    }

    /** The same bounds and checks for a document built in memory (from a console form) as for a request body. */
    public static Object checked(Object document) {
        return normalize(document, "", 0, new int[] { 0 });
    }

    private static Object readJson(byte[] body) {
        try {
            return JSON.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badRequest("The body is not a valid JSON document" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException | RuntimeException | StackOverflowError e) {
            throw ApiException.badRequest("The body is not a valid JSON document.");
        }
    }

    private static Object readYaml(byte[] body) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setProcessComments(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            return yaml.load(new UnicodeReader(new ByteArrayInputStream(body)));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw ApiException.badRequest("The body is not a valid YAML document" + where + ": " + problem);
        } catch (YAMLException e) {
            throw ApiException.badRequest("The body is not an acceptable YAML document: " + firstLine(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            throw ApiException.badRequest("The body is not a valid YAML document.");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Copies the parsed graph into plain values while counting: aliases make a YAML graph share nodes, so a
     * walk counts every visit and stops at MAX_NODES; nothing exponential is ever built.
     */
    private static Object normalize(Object value, String path, int depth, int[] count) {
        if (++count[0] > MAX_NODES) {
            throw ApiException.badRequest("The document has more than " + MAX_NODES + " values (after expanding aliases).");
        }
        if (depth > MAX_DEPTH) {
            throw ApiException.badRequest("The document is nested deeper than " + MAX_DEPTH + " levels.");
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = e.getKey();
                if (key instanceof Map || key instanceof List || key == null) {
                    throw ApiException.invalid(path, "keys must be plain strings");
                }
                String k = String.valueOf(key);
                if (k.indexOf('\0') >= 0) {
                    throw ApiException.invalid(path, "keys must not contain the NUL character (U+0000)");
                }
                out.put(k, normalize(e.getValue(), Paths.key(path, k), depth + 1, count));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(normalize(list.get(i), Paths.index(path, i), depth + 1, count));
            }
            return out;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw ApiException.invalid(path, "must be a finite number");
            }
            return BigDecimal.valueOf(d);
        }
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof String text && text.indexOf('\0') >= 0) {
            // PostgreSQL can store no NUL in text or jsonb: refused here, at its path, instead of failing there
            throw ApiException.invalid(path, "must not contain the NUL character (U+0000)");
        }
        if (value instanceof String || value instanceof Boolean || value == null) {
            return value;
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(value);
    }
}
