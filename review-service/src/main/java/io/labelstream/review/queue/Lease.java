package io.labelstream.review.queue;

import java.time.Instant;

/** A task held by one reviewer until {@code expiresAt}. */
public record Lease(String taskId, String reviewer, Instant claimedAt, Instant expiresAt) {

  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
