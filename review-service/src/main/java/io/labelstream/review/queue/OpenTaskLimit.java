package io.labelstream.review.queue;

import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;

/**
 * How many review tasks are open at once (REVIEW_MAX_OPEN_TASKS). Review requests beyond it are not read: they wait
 * in Kafka, in order, and the state reader takes them in as answers make room (see {@code state.StateTailer}), so
 * nothing is dropped and what the queue holds does not grow with what senders send.
 *
 * <p>Every instance applies the same rule to the same records, so with the requests in one partition each one opens
 * the same tasks as the leader once it has read the same answers. Two things are let in above the limit, because a
 * reviewer is already working on them: a flagged frame (the leader opens it when the flag is made, before reading its
 * request back), and, while a reviewer holds a task this instance has not read the request of (the leader opened it
 * from another partition first), the requests up to it.
 */
public final class OpenTaskLimit {

  private final TaskQueue queue;
  private final int max;

  public OpenTaskLimit(TaskQueue queue, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the open task limit must be at least 1, not " + max);
    }
    this.queue = queue;
    this.max = max;
  }

  /** Whether {@code request} may be applied now; one that may not waits in Kafka until {@link #hasRoom()}. */
  public boolean admits(ReviewRequest request) {
    if (!queue.wouldOpen(request.getTaskId())) {
      return true; // a repeat, or already answered: it takes no room
    }
    return request.getReason() == ReviewReason.FLAGGED || hasRoom();
  }

  /** Whether a waiting request may be let in. */
  public boolean hasRoom() {
    return queue.requestedCount() < max || queue.leasedBeforeRead();
  }

  public int max() {
    return max;
  }

  /** Open tasks that count towards the limit. */
  public int open() {
    return queue.requestedCount();
  }
}
