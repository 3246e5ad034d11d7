package io.labelstream.review.cluster;

import io.labelstream.schemas.avro.ReviewLeader;
import java.util.Optional;

/** What this instance knows about the queue leader: the latest announcement read from {@code review.leader.v1}. */
public final class ClusterView {

  private volatile ReviewLeader announced;

  /** The latest announcement; null when the last leader withdrew it on stopping. */
  public void announced(ReviewLeader leader) {
    this.announced = leader;
  }

  public Optional<ReviewLeader> leader() {
    return Optional.ofNullable(announced);
  }
}
