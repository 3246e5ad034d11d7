package io.labelstream.review.cluster;

import static io.labelstream.review.state.CheckpointData.readRecord;
import static io.labelstream.review.state.CheckpointData.writeRecord;

import io.labelstream.review.state.Checkpointed;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewLeader;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;

/** What this instance knows about the queue leader: the latest announcement read from {@code review.leader.v1}. */
public final class ClusterView implements Checkpointed {

  private volatile ReviewLeader announced;

  /** The latest announcement; null when the last leader withdrew it on stopping. */
  public void announced(ReviewLeader leader) {
    this.announced = leader;
  }

  public Optional<ReviewLeader> leader() {
    return Optional.ofNullable(announced);
  }

  /** Writes the leader announced last, so that a restarted instance knows where to forward before it reads more. */
  @Override
  public void save(DataOutput out) throws IOException {
    writeRecord(out, Topics.REVIEW_LEADER, announced);
  }

  @Override
  public void restore(DataInput in) throws IOException {
    announced = readRecord(in, Topics.REVIEW_LEADER);
  }
}
