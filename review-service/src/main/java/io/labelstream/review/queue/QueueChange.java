package io.labelstream.review.queue;

import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;

/** One change of the review queue as it is written to Kafka. */
public sealed interface QueueChange {

  /** A task leased, extended, given back or skipped: its new lease record. */
  record LeaseChanged(TaskLease lease) implements QueueChange {}

  /**
   * An answer, with the HUMAN label it settles, or none ({@code label} null: a gold task, or more answers needed).
   * Written together, so an answer never appears without its label or the other way round.
   */
  record Answered(ReviewResult result, Label label) implements QueueChange {}
}
