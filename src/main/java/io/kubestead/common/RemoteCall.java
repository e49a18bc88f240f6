package io.kubestead.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * Marks a bean whose methods call out of the process (the Kubernetes API, a metric provider, a target database):
 * {@link RemoteCallGuard} refuses such a call inside a database transaction, where it would hold locks and a
 * pooled connection for as long as the remote side takes.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface RemoteCall {
}
