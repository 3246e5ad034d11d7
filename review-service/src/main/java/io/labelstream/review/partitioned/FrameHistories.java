package io.labelstream.review.partitioned;

import java.util.Optional;

/**
 * Each frame's history, wherever it is kept ({@link PerFrameLookup}): from this instance's store when it owns the
 * frame, else from the instance that does, over {@code GET /internal/histories/{frameId}} with the cluster's token;
 * {@link FrameStateUnavailable} while nobody can answer.
 */
public final class FrameHistories {

  /** Where the other instances answer for their frames. */
  public static final String INTERNAL_PATH = "/internal/histories/";

  private final PerFrameLookup<FrameHistory> lookup;

  public FrameHistories(PartitionedState state, ClusterPeers peers) {
    this.lookup = new PerFrameLookup<>(state, PartitionedState.HISTORIES, FrameHistory::read, peers, INTERNAL_PATH,
        HistoryCodec::history);
  }

  /** The frame's history; empty when nothing is known of the frame. */
  public Optional<FrameHistory> get(String frameId) {
    return lookup.get(frameId);
  }

  /**
   * The history of a frame this instance owns, for another instance that asked.
   *
   * @return empty when this instance does not own the frame (now); else its history, or none
   */
  public Optional<Optional<FrameHistory>> ownHistory(String frameId) {
    return lookup.own(frameId);
  }

  /** For the internal endpoint: the history as {@link #get} reads it back. */
  public static byte[] encoded(FrameHistory history) {
    return HistoryCodec.history(history);
  }
}
