package io.kubestead.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The authorization rule of an endpoint. Every JAX-RS method must carry one (on itself or its class): the
 * {@link AccessFilter} refuses a request to an endpoint that declares none.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface Allow {
    Permission value();
}
