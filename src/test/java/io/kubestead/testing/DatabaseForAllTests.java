package io.kubestead.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the embedded PostgreSQL for every @QuarkusTest. */
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
public class DatabaseForAllTests {
}
