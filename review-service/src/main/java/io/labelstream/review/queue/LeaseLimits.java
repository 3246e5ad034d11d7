package io.labelstream.review.queue;

import java.time.Duration;

/**
 * What keeps one reviewer from holding the queue: how many tasks they may hold at once, and how long they may hold
 * one, heartbeats or not (a heartbeat extends a lease by the lease length, never past {@code maxLifetime} from the
 * claim).
 *
 * @param maxPerReviewer live leases one reviewer may hold (REVIEW_MAX_LEASES)
 * @param maxLifetime longest a lease lasts from its claim (REVIEW_MAX_LEASE_SECONDS)
 */
public record LeaseLimits(int maxPerReviewer, Duration maxLifetime) {

  /** No cap and no maximum lifetime: what the queue did before these limits, for tests of other things. */
  public static final LeaseLimits NONE = new LeaseLimits(Integer.MAX_VALUE, Duration.ofDays(365_000));

  public LeaseLimits {
    if (maxPerReviewer < 1) {
      throw new IllegalArgumentException("a reviewer must be able to hold at least one lease");
    }
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("the maximum lease lifetime must be positive");
    }
  }
}
