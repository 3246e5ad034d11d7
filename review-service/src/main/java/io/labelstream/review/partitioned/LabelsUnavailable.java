package io.labelstream.review.partitioned;

/** A frame's final label cannot be read now; {@link #reason} says why, http/ says what the caller is told. */
public final class LabelsUnavailable extends RuntimeException {

  /** Why the label cannot be read. */
  public enum Reason {
    /** The instances are handing partitions over: nobody answers for the frame for a moment. */
    STATE_MOVING,
    /** The instance that keeps the frame did not answer. */
    OWNER_UNAVAILABLE,
    /** The instance that keeps the frame refused this instance's cluster token: a configuration error. */
    CLUSTER_TOKEN_MISMATCH
  }

  private final Reason reason;

  LabelsUnavailable(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
