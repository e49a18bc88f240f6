package io.kubestead.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.testing.ApiTest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The guard that keeps remote calls out of database transactions: every test runs with it refusing, so a code path
 * that calls the cluster, a metric provider or a target database inside a transaction fails its test.
 */
@QuarkusTest
class RemoteCallGuardTest extends ApiTest {

    @Inject
    TargetDatabases databases;

    @Test
    void aRemoteCallInsideATransactionIsRefusedAndCountedOutsideOneItGoesThrough() {
        long before = RemoteCallGuard.violations();
        assertThat(databases.statuses()).isNotNull();
        assertThat(RemoteCallGuard.violations()).isEqualTo(before);
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> databases.statuses()))
                .hasMessageContaining("remote call TargetDatabases.statuses inside a database transaction");
        assertThat(RemoteCallGuard.violations()).isEqualTo(before + 1);
    }
}
