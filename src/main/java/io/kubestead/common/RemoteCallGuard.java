package io.kubestead.common;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.jboss.logging.Logger;

/**
 * No remote call inside a database transaction: a call of a {@link RemoteCall} bean while the calling thread has
 * a transaction open is counted and logged as an error, and refused outright when
 * {@code kubestead.remote-calls.refuse-in-transaction} is set (as in every test).
 */
@RemoteCall
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class RemoteCallGuard {

    private static final Logger LOG = Logger.getLogger(RemoteCallGuard.class);
    private static final AtomicLong VIOLATIONS = new AtomicLong();

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    KubesteadConfig config;

    @AroundInvoke
    Object guard(InvocationContext call) throws Exception {
        int status = transactions.getTransactionStatus();
        if (status != Status.STATUS_NO_TRANSACTION) {
            String what = call.getMethod().getDeclaringClass().getSimpleName() + "." + call.getMethod().getName();
            VIOLATIONS.incrementAndGet();
            IllegalStateException e = new IllegalStateException("remote call " + what + " inside a database transaction");
            if (config.remoteCalls().refuseInTransaction()) {
                throw e;
            }
            LOG.error(e.getMessage(), e);
        }
        return call.proceed();
    }

    /** How many remote calls were made inside a transaction since the process started. */
    public static long violations() {
        return VIOLATIONS.get();
    }
}
