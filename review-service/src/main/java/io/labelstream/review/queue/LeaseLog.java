package io.labelstream.review.queue;

import io.labelstream.schemas.avro.TaskLease;

/**
 * Where the queue records a lease change before it takes effect: the queue leader's fenced Kafka transaction. If
 * the write fails, the change does not happen.
 */
@FunctionalInterface
public interface LeaseLog {

  void write(TaskLease lease);
}
