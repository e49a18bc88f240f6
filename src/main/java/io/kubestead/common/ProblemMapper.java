package io.kubestead.common;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.hibernate.StaleObjectStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Maps every exception that can leave a resource to problem+json. Nothing else reaches a client: in particular
 * no stack trace and no exception message of an unexpected error.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return Problems.response(e.toProblem());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "There is nothing at this address.";
            case 405 -> "This address does not accept that method.";
            case 406 -> "This address cannot answer in any of the accepted media types.";
            case 415 -> "Unsupported Content-Type; send application/json, or application/yaml where a document is expected.";
            default -> status >= 500 ? "The server could not complete the request." : title;
        };
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problems.typeFor(status), title, status, detail, null));
        if (original != null && original.getHeaderString("Allow") != null) {
            builder.header("Allow", original.getHeaderString("Allow"));
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return Problems.response(400, "Malformed JSON", "The request body is not valid JSON.");
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            String path = v.getPropertyPath().toString();
            int dot = path.lastIndexOf('.');
            errors.add(new FieldError(dot >= 0 ? path.substring(dot + 1) : path, v.getMessage()));
        }
        return Problems.response(ApiException.invalid(errors).toProblem());
    }

    @ServerExceptionMapper({ OptimisticLockException.class, StaleObjectStateException.class })
    public Response stale(RuntimeException e) {
        return Problems.response(409, "Conflict", "The resource was changed by another request; read it again and retry.");
    }

    @ServerExceptionMapper(priority = Integer.MAX_VALUE)
    public Response unexpected(Throwable e) {
        ApiException api = Exceptions.find(e, ApiException.class);
        if (api != null) {
            return api(api);
        }
        if (Exceptions.find(e, OptimisticLockException.class) != null
                || Exceptions.find(e, StaleObjectStateException.class) != null) {
            return stale(null);
        }
        LOG.error("Unexpected error", e);
        return Problems.response(500, "Internal server error",
                "The server could not complete the request; the error is in the server log.");
    }
}
