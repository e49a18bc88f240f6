package io.kubestead.common;

import jakarta.ws.rs.core.Response;

/** The outcome of a PUT: the stored representation, and whether it was created, changed or left as it was. */
public record Stored<T>(T body, boolean created, boolean changed) {

    public Response response(String location) {
        return created ? created(location, body) : Response.ok(body).build();
    }

    /**
     * 201 with a relative Location: never built from the request's Host header, which a client chooses (JAX-RS's
     * {@code Response.created} would make it absolute from there).
     */
    public static Response created(String location, Object body) {
        return Response.status(Response.Status.CREATED).header("Location", location).entity(body).build();
    }
}
