package io.labelstream.review.queue;

/**
 * A queue change the queue turns down, and why. The message speaks to the reviewer; the HTTP layer chooses the
 * status and error code from the reason.
 */
public final class TaskRefused extends RuntimeException {

  /** Why the change was turned down. */
  public enum Reason {
    /** No open task has this id (and none was answered under it). */
    TASK_NOT_FOUND,
    /** The task was answered already, differently or by someone else. */
    ALREADY_ANSWERED,
    /** The caller holds no live lease on the task. */
    LEASE_NOT_HELD,
    /** The caller already holds as many tasks as one reviewer may (REVIEW_MAX_LEASES). */
    TOO_MANY_LEASES
  }

  private final Reason reason;

  public TaskRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
