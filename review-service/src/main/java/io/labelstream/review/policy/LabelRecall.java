package io.labelstream.review.policy;

import static io.labelstream.review.state.CheckpointData.readInstant;
import static io.labelstream.review.state.CheckpointData.writeInstant;

import io.labelstream.platform.lifecycle.ExecutorStop;
import io.labelstream.review.cluster.NotQueueLeaderException;
import io.labelstream.review.http.FlagRequests;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.review.state.Checkpointed;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the model labels a detected change recalled ({@link RegimePolicy#takeRecalled()}) back to people: each
 * becomes a FLAGGED task flagged by {@value #FLAGGED_BY}, made exactly as a person's flag makes it
 * ({@link FlagRequests}); the answer supersedes the model's label.
 *
 * <ul>
 *   <li>Only the queue leader, once its state is rebuilt, makes the tasks. Every instance detects the same changes
 *       from the same predictions; one that is not the ready leader keeps its recalls for {@link #WAIT_FOR_LABEL} in
 *       case it takes over, then forgets them.
 *   <li>A frame goes back only while its final label is the model's and it has no open task. This also makes a
 *       replay harmless: an instance rebuilding its state detects the same changes again, and by then their frames are
 *       answered (a HUMAN label) or waiting for a reviewer.
 *   <li>The label may not have arrived yet: labels.v1 is read apart from predictions.v1, whose frame raised the alarm.
 *       Such a frame is tried again every {@link #RETRY_EVERY} for {@link #WAIT_FOR_LABEL}, then dropped with a
 *       warning.
 *   <li>A frame that cannot go back (its image is gone) is logged and counted, and the others go on. A failure that is
 *       not the frame's (Kafka, the frame store, the lead lost) ends the pass; the rest are tried at the next one,
 *       within the same bound.
 * </ul>
 *
 * <p>{@link PolicyService} hands the frames over under its lock, so handing over only queues them: every Kafka read
 * and write happens on this class's own thread.
 */
public final class LabelRecall implements AutoCloseable, Checkpointed {

  private static final Logger LOG = LoggerFactory.getLogger(LabelRecall.class);

  /**
   * Who flagged a recalled label, as its task, the frame's history and {@code /v1/admin/flags} show it. A fixed name
   * rather than a setting: it is how people and tools tell a recall from a person's flag, so it must not vary between
   * deployments.
   */
  public static final String FLAGGED_BY = "labelstream-drift";
  /** How often waiting recalls are tried again: a label usually follows its prediction within a second. */
  static final Duration RETRY_EVERY = Duration.ofSeconds(1);
  /**
   * How long a recalled frame waits for its label (and a Kafka or frame store failure to pass). The label is written
   * with the prediction, so minutes mean it will not come (the worker never wrote it) or the state reader is far
   * behind; a bound keeps what waits from growing for ever. Not a setting: nothing in a deployment changes it.
   */
  static final Duration WAIT_FOR_LABEL = Duration.ofMinutes(5);

  /** What became of a recalled model label. */
  public enum Outcome {
    /** It went back to people as a FLAGGED task. */
    SENT,
    /** People had answered the frame since, or it was waiting for a reviewer already. */
    SKIPPED,
    /** Its label did not arrive (or could not be written) within {@link #WAIT_FOR_LABEL}. */
    DROPPED,
    /** It could not go back: its image is gone or unreadable. */
    FAILED;

    /** The outcome as a meter tag. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A recalled frame waiting to go back; {@code problem} is why it is still waiting, for the drop's warning. */
  private static final class Recalled {
    final String frameId;
    final String reason;
    final Instant handedOver;
    String problem = "its label has not arrived";

    Recalled(String frameId, String reason, Instant handedOver) {
      this.frameId = frameId;
      this.reason = reason;
      this.handedOver = handedOver;
    }
  }

  /** A failure that is not the frame's: the pass ends and the frame is tried again. */
  private static final class PassFailed extends RuntimeException {
    PassFailed(RuntimeException cause) {
      super(cause.toString(), cause);
    }
  }

  private final FlagRequests flags;
  private final Function<String, Optional<Label>> labels;
  private final Clock clock;
  private final Queue<Recalled> handedOver = new ConcurrentLinkedQueue<>();
  /** The recalls still to make, oldest first; only a pass touches it. */
  private final Map<String, Recalled> pending = new LinkedHashMap<>();
  private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "review-recall"));

  /**
   * @param labels a frame's final label (empty when it has none yet); throws a RuntimeException when it cannot be
   *     read now
   */
  public LabelRecall(FlagRequests flags, Function<String, Optional<Label>> labels, Clock clock) {
    this.flags = flags;
    this.labels = labels;
    this.clock = clock;
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, new LongAdder());
    }
  }

  /**
   * Starts the passes.
   *
   * @param mayChangeQueue true while this instance is the queue leader and its state is rebuilt
   */
  public void start(BooleanSupplier mayChangeQueue) {
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        pass(mayChangeQueue.getAsBoolean());
      } catch (RuntimeException e) {
        LOG.error("recalling model labels failed; tried again in {} s", RETRY_EVERY.toSeconds(), e);
      }
    }, RETRY_EVERY.toMillis(), RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The model labels {@code event} recalled: queued for the next pass (cheap, so callers may hold a lock). */
  public void recall(DriftEvent event, List<String> frameIds) {
    String reason = reason(event);
    Instant now = clock.instant();
    frameIds.forEach(frameId -> handedOver.add(new Recalled(frameId, reason, now)));
  }

  /** E.g. "drift: brightness down on truck-a/front since frame 1,110 (regime 1)": the flag's reason. */
  static String reason(DriftEvent event) {
    String where = RegimePolicy.ALL_CAMERAS.equals(event.scope()) ? "every camera" : event.scope();
    return String.format(Locale.ROOT, "drift: %s %s on %s since frame %,d (regime %d)", event.signal(),
        event.direction(), where, event.changePointFrame(), event.regime());
  }

  /**
   * Sends back what can go now, if this instance may change the queue; otherwise only forgets what is older than the
   * bound. Runs on the recall thread (tests call it directly).
   */
  synchronized void pass(boolean mayChangeQueue) {
    for (Recalled r = handedOver.poll(); r != null; r = handedOver.poll()) {
      pending.putIfAbsent(r.frameId, r);
    }
    if (pending.isEmpty()) {
      return;
    }
    Map<Outcome, List<String>> done = new EnumMap<>(Outcome.class);
    if (mayChangeQueue) {
      sendWhatCan(done);
    }
    Instant oldest = clock.instant().minus(WAIT_FOR_LABEL);
    List<String> dropped = new ArrayList<>();
    for (Iterator<Recalled> it = pending.values().iterator(); it.hasNext(); ) {
      Recalled r = it.next();
      if (r.handedOver.isBefore(oldest)) {
        it.remove();
        if (mayChangeQueue) {
          dropped.add(r.frameId + " (" + r.problem + ")");
        }
      }
    }
    if (!dropped.isEmpty()) {
      count(Outcome.DROPPED, dropped.size());
      LOG.warn("{} recalled model label(s) dropped after {} min, not sent back to people: {}", dropped.size(),
          WAIT_FOR_LABEL.toMinutes(), abbreviated(dropped));
    }
    if (!done.getOrDefault(Outcome.SENT, List.of()).isEmpty() || !done.getOrDefault(Outcome.SKIPPED, List.of()).isEmpty()) {
      LOG.info("drift recall: {} model label(s) sent back to people as FLAGGED tasks, {} skipped (answered by people "
          + "or already waiting for a reviewer); {} waiting for their label", done.getOrDefault(Outcome.SENT,
          List.of()).size(), done.getOrDefault(Outcome.SKIPPED, List.of()).size(), pending.size());
    }
  }

  /** Tries every pending frame in turn, until a failure that is not the frame's. */
  private void sendWhatCan(Map<Outcome, List<String>> done) {
    for (Iterator<Recalled> it = pending.values().iterator(); it.hasNext(); ) {
      Recalled r = it.next();
      Optional<Outcome> outcome;
      try {
        outcome = attempt(r);
      } catch (NotQueueLeaderException e) {
        return; // the lead moved on: the new leader sends it
      } catch (PassFailed e) {
        r.problem = e.getMessage();
        LOG.warn("recalling the model label of frame {} failed ({}); trying again in {} s", r.frameId, e.getMessage(),
            RETRY_EVERY.toSeconds());
        return;
      }
      if (outcome.isPresent()) {
        it.remove();
        count(outcome.get(), 1);
        done.computeIfAbsent(outcome.get(), o -> new ArrayList<>()).add(r.frameId);
      }
    }
  }

  /** Empty while the frame's label has not arrived. */
  private Optional<Outcome> attempt(Recalled r) {
    Optional<Label> label;
    try {
      label = labels.apply(r.frameId);
    } catch (RuntimeException e) {
      throw new PassFailed(e); // the instance that keeps the frame did not answer: not this frame's fault
    }
    if (label.isEmpty()) {
      return Optional.empty();
    }
    if (label.get().getSource() != LabelSource.MODEL) {
      return Optional.of(Outcome.SKIPPED);
    }
    try {
      return switch (flags.flagFromService(label.get(), FLAGGED_BY, r.reason)) {
        case SENT -> Optional.of(Outcome.SENT);
        case ALREADY_IN_REVIEW -> Optional.of(Outcome.SKIPPED);
        // the frame store does not answer: not this frame's fault
        case STORE_UNAVAILABLE -> throw new PassFailed(new IllegalStateException("the frame store did not answer"));
        case HISTORY_UNAVAILABLE -> throw new PassFailed(new IllegalStateException("the instance that keeps the "
            + "frame's history did not answer"));
        case IMAGE_UNAVAILABLE -> Optional.of(Outcome.FAILED);
      };
    } catch (KafkaException e) {
      throw new PassFailed(e);
    }
  }

  private void count(Outcome outcome, int n) {
    counts.get(outcome).add(n);
  }

  /** Recalled model labels so far with {@code outcome} (since this instance started). */
  public long count(Outcome outcome) {
    return counts.get(outcome).sum();
  }

  private static String abbreviated(List<String> items) {
    int shown = 10;
    return items.size() <= shown ? String.join(", ", items)
        : String.join(", ", items.subList(0, shown)) + " and " + (items.size() - shown) + " more";
  }

  @Override
  public void close() {
    ExecutorStop.now(scheduler);
  }

  /**
   * Writes the recalls not yet made, oldest first: the changes that called for them are not found again by a restart
   * that reads a checkpoint. What was already sent back is in the queue.
   */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    List<Recalled> waiting = new ArrayList<>(pending.values());
    waiting.addAll(handedOver);
    out.writeInt(waiting.size());
    for (Recalled r : waiting) {
      out.writeUTF(r.frameId);
      out.writeUTF(r.reason);
      writeInstant(out, r.handedOver);
    }
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    pending.clear();
    handedOver.clear();
    for (int i = in.readInt(); i > 0; i--) {
      handedOver.add(new Recalled(in.readUTF(), in.readUTF(), readInstant(in)));
    }
  }
}
