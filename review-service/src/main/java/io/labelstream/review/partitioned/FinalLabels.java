package io.labelstream.review.partitioned;

import io.labelstream.schemas.avro.Label;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Each frame's final label, wherever it is kept ({@link PerFrameLookup}): from this instance's store when it owns the
 * frame, else from the instance that does, over {@code GET /internal/labels/{frameId}} with the cluster's token. While
 * the frames are being moved between instances nobody answers for a while: that is a {@link FrameStateUnavailable},
 * to be tried again.
 */
public final class FinalLabels {

  /** Where the other instances answer for their frames. */
  public static final String INTERNAL_PATH = "/internal/labels/";

  /** How often a submit reads its label again without a wake-up, when it is this instance's, or asks the owner. */
  private static final long OWN_READ_EVERY_MS = 50;
  private static final long ASK_OWNER_EVERY_MS = 20;

  private final PartitionedState state;
  private final PerFrameLookup<Label> lookup;
  private final Timer shown;
  private final Timer notShown;

  /** @param registry where the time a submit waits for its label is timed */
  public FinalLabels(PartitionedState state, ClusterPeers peers, MeterRegistry registry) {
    this.state = state;
    this.lookup = new PerFrameLookup<>(state, PartitionedState.FINAL_LABELS, FinalLabels::read, peers, INTERNAL_PATH,
        FinalLabelCodec::decode);
    this.shown = waitTimer(registry, "shown");
    this.notShown = waitTimer(registry, "not_shown");
  }

  private static Timer waitTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("labelstream.review.label.shown.wait")
        .description("How long a submit waited for its label to be served by the frame's owner")
        .tag("outcome", outcome).publishPercentileHistogram().register(registry);
  }

  /**
   * The frame's final label; empty when it has none yet. From the owner when it can be asked; else (the partitions
   * are moving, the owner does not answer) from this instance's own copy of the frame's partition, active or standby,
   * which may be a moment behind; else {@link FrameStateUnavailable}, to try again.
   */
  public Optional<Label> get(String frameId) {
    return lookup.get(frameId);
  }

  /**
   * The final label of a frame this instance owns, for another instance that asked.
   *
   * @return empty when this instance does not own the frame (now); else the label, or none
   */
  public Optional<Optional<Label>> ownLabel(String frameId) {
    return lookup.own(frameId);
  }

  /**
   * Waits until the frame's final label is {@code written} (or a later one), for at most {@code atMost}: a person who
   * submits an answer then reads the frame's label sees their answer, though the label reaches its owner's store
   * through Kafka.
   */
  public boolean awaitShown(Label written, Duration atMost) throws InterruptedException {
    long started = System.nanoTime();
    boolean isShown = waitUntilShown(written, started + atMost.toNanos());
    (isShown ? shown : notShown).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    return isShown;
  }

  private boolean waitUntilShown(Label written, long deadline) throws InterruptedException {
    String frameId = written.getFrameId();
    LabelWrites writes = state.labelWrites();
    while (true) {
      CompletableFuture<Void> next = writes.next(frameId);
      try {
        Optional<Label> now = get(frameId);
        if (now.isPresent() && (Objects.equals(now.get().getTaskId(), written.getTaskId())
            || now.get().getLabelledAt().isAfter(written.getLabelledAt()))) {
          writes.done(frameId, next);
          return true;
        }
      } catch (FrameStateUnavailable notNow) {
        if (notNow.reason() == FrameStateUnavailable.Reason.CLUSTER_TOKEN_MISMATCH) {
          writes.done(frameId, next);
          return false; // asking again will not help; the mismatch is logged where it is found
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        writes.done(frameId, next);
        return false;
      }
      if (state.ownerOf(frameId) instanceof PartitionedState.Owner.Here) {
        // Woken when the processor here writes the frame's label; read again now and then all the same.
        LabelWrites.await(next, Math.min(left, OWN_READ_EVERY_MS));
      } else {
        writes.done(frameId, next);
        Thread.sleep(Math.min(left, ASK_OWNER_EVERY_MS));
      }
    }
  }

  static Optional<Label> read(ReadOnlyKeyValueStore<String, byte[]> store, String frameId) {
    return Optional.ofNullable(store.get(frameId)).map(FinalLabelCodec::decode);
  }

  /** For the internal endpoint: the label as {@link #ask} reads it back. */
  public static byte[] encoded(Label label) {
    return FinalLabelCodec.encode(label);
  }
}
