package io.labelstream.review;

import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.Checkpointed;
import io.labelstream.review.state.FrameBytes;
import io.labelstream.review.state.StateCheckpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of the review state taken while it runs, so that a start after a crash goes on from the last one
 * instead of rebuilding from Kafka. The state's reader calls it between two polls
 * ({@code StateTailer#checkpointEvery}), so no record is being applied. What reviewers change goes into the queue (and the gold tasks it hands out) and the
 * store's settled answers at once, before Kafka has it: the queue is held still ({@link TaskQueue#whileStill}) until
 * its changes on their way are committed, and the store is copied and those parts saved before it lets changes go on.
 * The other parts change only as the reader applies records, or on threads of their own under their own locks (the
 * policy, the recall), and are saved after: saving them under the queue's lock could deadlock with the recall, which
 * looks at the queue under its own.
 */
final class RunningCheckpoints implements Consumer<Map<TopicPartition, Long>> {

  private static final Logger LOG = LoggerFactory.getLogger(RunningCheckpoints.class);
  /** How long changes on their way may take to commit before a checkpoint is left for the next time. */
  static final Duration QUEUE_PATIENCE = Duration.ofSeconds(10);
  /** The parts reviewers' changes alter: saved while the queue is held still, with the store's copy. */
  private static final Set<String> CHANGED_BY_REVIEWERS = Set.of("queue", "gold");

  private final StateCheckpoint to;
  private final TaskQueue queue;
  private final FrameBytes store;
  private final Map<String, Checkpointed> parts;
  private final Timer taken;

  RunningCheckpoints(StateCheckpoint to, TaskQueue queue, FrameBytes store, Map<String, Checkpointed> parts,
      MeterRegistry registry) {
    if (!parts.keySet().containsAll(CHANGED_BY_REVIEWERS)) {
      throw new IllegalArgumentException("the state's parts " + parts.keySet() + " lack " + CHANGED_BY_REVIEWERS);
    }
    this.to = to;
    this.queue = queue;
    this.store = store;
    this.parts = parts;
    this.taken = Timer.builder("labelstream.review.state.checkpoint")
        .description("Checkpoints of the review state taken while running (REVIEW_STATE_CHECKPOINT_INTERVAL_MS): how "
            + "long each took; reviewers' changes wait for the copy of the store, most of it")
        .register(registry);
  }

  /** Takes one at {@code positions}; a failure is logged, and the last one stays. */
  @Override
  public void accept(Map<TopicPartition, Long> positions) {
    long started = System.nanoTime();
    Map<String, byte[]> saved = new LinkedHashMap<>();
    try {
      boolean still = queue.whileStill(QUEUE_PATIENCE, () -> {
        to.copyStoreForRunning(store);
        for (String part : CHANGED_BY_REVIEWERS) {
          saved.put(part, StateCheckpoint.bytesOf(parts.get(part)));
        }
      });
      if (!still) {
        LOG.warn("no checkpoint of the review state this time: queue changes were still on their way to Kafka after "
            + "{} s", QUEUE_PATIENCE.toSeconds());
        return;
      }
      Map<String, byte[]> inOrder = new LinkedHashMap<>();
      for (Map.Entry<String, Checkpointed> part : parts.entrySet()) {
        byte[] bytes = saved.get(part.getKey());
        inOrder.put(part.getKey(), bytes != null ? bytes : StateCheckpoint.bytesOf(part.getValue()));
      }
      to.finishRunning(positions, inOrder);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      taken.record(took);
      LOG.info("checkpoint of the review state taken while running, in {} ms", took.toMillis());
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not take a checkpoint of the review state ({}); the last one stays", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
