package io.kubestead.testing;

import java.time.Clock;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** In tests the server's clock is the movable one. */
public class TestClockProducer {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    public Clock clock() {
        return MutableClock.INSTANCE;
    }
}
