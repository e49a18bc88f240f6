package io.kubestead.common;

import jakarta.ws.rs.core.Response;

/** The outcome of a PUT: the stored representation, and whether it was created, changed or left as it was. */
public record Stored<T>(T body, boolean created, boolean changed) {

    public Response response(String location) {
        if (created) {
            return Response.created(java.net.URI.create(location)).entity(body).build();
        }
        return Response.ok(body).build();
    }
}
