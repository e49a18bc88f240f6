package io.kubestead.common;

import jakarta.ws.rs.core.Response;

/** Builds problem+json responses. */
public final class Problems {

    private Problems() {
    }

    public static String typeFor(int status) {
        return switch (status) {
            case 400 -> "https://kubestead.io/problems/invalid-request";
            case 404 -> "https://kubestead.io/problems/not-found";
            case 405 -> "https://kubestead.io/problems/method-not-allowed";
            case 406 -> "https://kubestead.io/problems/not-acceptable";
            case 409 -> "https://kubestead.io/problems/conflict";
            case 401 -> "https://kubestead.io/problems/unauthenticated";
            case 403 -> "https://kubestead.io/problems/forbidden";
            case 413 -> "https://kubestead.io/problems/payload-too-large";
            case 414 -> "https://kubestead.io/problems/uri-too-long";
            case 431 -> "https://kubestead.io/problems/headers-too-large";
            case 415 -> "https://kubestead.io/problems/unsupported-media-type";
            case 429 -> "https://kubestead.io/problems/too-many-requests";
            default -> status >= 500 ? "https://kubestead.io/problems/server-error" : "about:blank";
        };
    }

    public static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** Answers with problem+json below the REST layer (route filters, the authentication mechanism). */
    public static void write(io.vertx.ext.web.RoutingContext rc, int status, String title, String detail) {
        write(rc, new Problem(typeFor(status), title, status, detail, null));
    }

    public static void write(io.vertx.ext.web.RoutingContext rc, Problem p) {
        io.vertx.core.json.JsonObject problem = new io.vertx.core.json.JsonObject()
                .put("type", p.type())
                .put("title", p.title())
                .put("status", p.status())
                .put("detail", p.detail());
        if (p.errors() != null) {
            io.vertx.core.json.JsonArray errors = new io.vertx.core.json.JsonArray();
            p.errors().forEach(e -> errors.add(new io.vertx.core.json.JsonObject().put("path", e.path()).put("message", e.message())));
            problem.put("errors", errors);
        }
        rc.response().setStatusCode(p.status()).putHeader("Content-Type", Problem.MEDIA_TYPE).end(problem.encode());
    }

    public static Response.ResponseBuilder builder(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(new Problem(typeFor(status), title, status, detail, null));
    }

    public static Response response(int status, String title, String detail) {
        return response(new Problem(typeFor(status), title, status, detail, null));
    }
}
