package io.labelstream.review.cluster;

/**
 * A queue change reached an instance that does not run the queue (it never led, or lost the lead in between). The
 * caller should send it again; by then the request is forwarded to the leader.
 */
public final class NotQueueLeaderException extends RuntimeException {

  public NotQueueLeaderException(String message) {
    super(message);
  }
}
