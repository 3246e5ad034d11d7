package io.labelstream.review.queue;

import java.util.List;

/**
 * Where the queue records its changes before anyone is told of them: the queue leader's fenced Kafka transaction
 * (see {@code cluster.QueueWriter}).
 */
@FunctionalInterface
public interface QueueLog {

  /**
   * Writes {@code changes}, in order, as one transaction: returns once all of them are committed, and throws when
   * none of them is.
   */
  void commit(List<QueueChange> changes);
}
