package io.labelstream.review.partitioned;

/**
 * What is kept of a frame (its final label, its history) cannot be read now; {@link #reason} says why, http/ says what
 * the caller is told.
 */
public final class FrameStateUnavailable extends RuntimeException {

  /** Why it cannot be read. */
  public enum Reason {
    /** The instances are handing partitions over: nobody answers for the frame for a moment. */
    STATE_MOVING,
    /** The instance that keeps the frame did not answer. */
    OWNER_UNAVAILABLE,
    /** The instance that keeps the frame refused this instance's cluster token: a configuration error. */
    CLUSTER_TOKEN_MISMATCH
  }

  private final Reason reason;

  FrameStateUnavailable(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
