package io.kubestead.release;

import java.time.Instant;

/**
 * A committed claim on one release: who holds it, at which fencing version, its due time when claimed, when it was
 * claimed, and the copy of the release to work on.
 */
public record Claim(long id, long version, String by, Instant due, Instant claimedAt, Release work) {
}
