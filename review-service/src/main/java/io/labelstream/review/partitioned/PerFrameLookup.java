package io.labelstream.review.partitioned;

import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one store keeps of each frame, wherever it is kept: from this instance's store when it owns the frame, else
 * from the instance that does ({@link ClusterPeers}, at {@code internalPath}); while the frames are being moved
 * between instances or the owner does not answer, from this instance's own (standby) copy; else a
 * {@link FrameStateUnavailable}, to be tried again.
 *
 * <p>The owner answers 200 with what it keeps (as {@code decode} reads it), 404 when it keeps nothing of the frame, 421
 * when it does not own the frame (any more) and 401 to a wrong token ({@code http.InternalStateApi}).
 */
final class PerFrameLookup<T> {

  private static final Logger LOG = LoggerFactory.getLogger(PerFrameLookup.class);

  private final PartitionedState state;
  private final String store;
  private final PartitionedState.StoreRead<T> read;
  private final ClusterPeers peers;
  private final String internalPath;
  private final Function<byte[], T> decode;

  PerFrameLookup(PartitionedState state, String store, PartitionedState.StoreRead<T> read, ClusterPeers peers,
      String internalPath, Function<byte[], T> decode) {
    this.state = state;
    this.store = store;
    this.read = read;
    this.peers = peers;
    this.internalPath = internalPath;
    this.decode = decode;
  }

  /** What is kept of the frame; empty when nothing. */
  Optional<T> get(String frameId) {
    PartitionedState.Owner owner = state.ownerOf(frameId);
    try {
      if (owner instanceof PartitionedState.Owner.Here) {
        return state.local(store, frameId, read);
      }
      if (owner instanceof PartitionedState.Owner.Elsewhere elsewhere) {
        return ask(elsewhere, frameId);
      }
    } catch (InvalidStateStoreException moved) {
      return state.localCopy(store, frameId, read).orElseThrow(() -> moving(frameId));
    } catch (FrameStateUnavailable notNow) {
      if (notNow.reason() == FrameStateUnavailable.Reason.CLUSTER_TOKEN_MISMATCH) {
        throw notNow;
      }
      return state.localCopy(store, frameId, read).orElseThrow(() -> notNow);
    }
    return state.localCopy(store, frameId, read).orElseThrow(() -> moving(frameId));
  }

  /**
   * What is kept of a frame this instance owns, for another instance that asked.
   *
   * @return empty when this instance does not own the frame (now); else what it keeps, or none
   */
  Optional<Optional<T>> own(String frameId) {
    if (!(state.ownerOf(frameId) instanceof PartitionedState.Owner.Here)) {
      return Optional.empty();
    }
    try {
      return Optional.of(state.local(store, frameId, read));
    } catch (InvalidStateStoreException moved) {
      return Optional.empty();
    }
  }

  private Optional<T> ask(PartitionedState.Owner.Elsewhere owner, String frameId) {
    HttpResponse<byte[]> answer = peers.askAboutFrame(owner.host(), internalPath, frameId);
    return switch (answer.statusCode()) {
      case 200 -> Optional.of(decode.apply(answer.body()));
      case 404 -> Optional.empty();
      case 401 -> {
        LOG.warn("the review instance at {} refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on every "
            + "instance", owner.host());
        throw new FrameStateUnavailable(FrameStateUnavailable.Reason.CLUSTER_TOKEN_MISMATCH, "the review instance "
            + "that keeps frame " + frameId + " refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on "
            + "every instance");
      }
      default -> throw moving(frameId); // 421: it no longer owns the frame
    };
  }

  static FrameStateUnavailable moving(String frameId) {
    return new FrameStateUnavailable(FrameStateUnavailable.Reason.STATE_MOVING, "the review instances are handing "
        + "frames over (frame " + frameId + "); try again in a moment");
  }
}
