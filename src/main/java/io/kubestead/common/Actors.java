package io.kubestead.common;

/**
 * Actor names of server-side work. Requests are recorded under their authenticated principal
 * ({@code user:alice}, {@code token:ci-bot (alice)}); a client can no longer name itself.
 */
public final class Actors {

    public static final String SYSTEM = "system:engine";

    private Actors() {
    }
}
