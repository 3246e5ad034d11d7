package io.labelstream.review.cluster;

/** A queue change reached an instance that does not (or no longer) runs the queue. */
public final class NotLeaderException extends RuntimeException {

  public NotLeaderException(String message) {
    super(message);
  }
}
