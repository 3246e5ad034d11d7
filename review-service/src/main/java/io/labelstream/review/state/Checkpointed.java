package io.labelstream.review.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A part of the review state that records from Kafka built up in the heap, written out whole at a checkpoint and read
 * back at the next start instead of being rebuilt by replaying every topic from the beginning.
 *
 * <p>{@link #save} writes what the records built (not what configuration or wiring gives: those come from the new
 * process); {@link #restore} reads it back into a part newly made with the same configuration, before any record is
 * applied. A part that finds what it reads inconsistent with its configuration (another number of classes, say)
 * throws {@link IOException}: the checkpoint is then not used and the state is rebuilt from Kafka.
 */
public interface Checkpointed {

  void save(DataOutput out) throws IOException;

  void restore(DataInput in) throws IOException;
}
