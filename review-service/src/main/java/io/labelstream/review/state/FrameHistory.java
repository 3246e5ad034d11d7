package io.labelstream.review.state;

import io.labelstream.review.images.StoredImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Everything that happened to each frame, rebuilt from the topics at start-up: its prediction, review requests,
 * flags, every answer and every label, with who, when, and the record's topic, partition and offset. Also where the
 * frame's image is, so a flagged frame's image can be shown again: in the frame store (the reference its review
 * requests and labels carry, which outlives Kafka) and, for frames without one, in {@code frames.v1}.
 *
 * <p>Kept in memory: with each event's fields in a map of its own, this is most of the review service's 2 KB per
 * model-labelled frame (2 GB for a million, measured by {@code bench --review-state}). A larger deployment needs it
 * in a Kafka Streams store instead.
 */
public final class FrameHistory {

  /** One thing that happened to a frame. {@code details} holds the event's own fields (score, reason, …). */
  public record Event(String type, Instant at, String by, String label, Map<String, Object> details, String topic,
      int partition, long offset) {}

  /** Where a record is. */
  public record Position(String topic, int partition, long offset) {}

  /** A flag, for the admin view. */
  public record Flag(String frameId, String taskId, String reason, String flaggedBy, Instant flaggedAt) {}

  /** Events written in one transaction share a time: an answer comes before the label it settles. */
  private static final List<String> SAME_TIME_ORDER = List.of("prediction", "review_requested", "flagged", "answer", "label");
  private static final Comparator<Event> ORDER = Comparator.comparing(Event::at)
      .thenComparingInt(e -> SAME_TIME_ORDER.indexOf(e.type())).thenComparingLong(Event::offset);

  private final Map<String, List<Event>> byFrame = new HashMap<>();
  private final Map<String, Position> frames = new HashMap<>();
  private final Map<String, Position> predictions = new HashMap<>();
  private final Map<String, StoredImage> images = new HashMap<>();
  private final List<Flag> flags = new ArrayList<>();

  public synchronized void record(String frameId, Event event) {
    List<Event> events = byFrame.computeIfAbsent(frameId, f -> new ArrayList<>());
    boolean seen = events.stream().anyMatch(e -> e.topic().equals(event.topic()) && e.partition() == event.partition()
        && e.offset() == event.offset());
    if (!seen) {
      events.add(event);
    }
  }

  /** Where the frame and its latest prediction are (from the prediction record). */
  public synchronized void located(String frameId, Position frame, Position prediction) {
    if (frame != null) {
      frames.put(frameId, frame);
    }
    predictions.put(frameId, prediction);
  }

  /** The frame store keeps the frame's image under {@code image} (the latest record that says so wins). */
  public synchronized void imaged(String frameId, StoredImage image) {
    if (image != null) {
      images.put(frameId, image);
    }
  }

  /** Where the frame store keeps the frame's image, if a record said. */
  public synchronized Optional<StoredImage> image(String frameId) {
    return Optional.ofNullable(images.get(frameId));
  }

  /** Every frame whose image is in the frame store, with its reference (under this history's lock: keep it short). */
  public synchronized void forEachImage(BiConsumer<String, StoredImage> visitor) {
    images.forEach(visitor);
  }

  public synchronized void flagged(Flag flag) {
    if (flags.stream().noneMatch(f -> f.taskId().equals(flag.taskId()))) {
      flags.add(flag);
    }
  }

  public synchronized Optional<List<Event>> of(String frameId) {
    List<Event> events = byFrame.get(frameId);
    if (events == null) {
      return Optional.empty();
    }
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(ORDER);
    return Optional.of(sorted);
  }

  public synchronized Optional<Position> framePosition(String frameId) {
    return Optional.ofNullable(frames.get(frameId));
  }

  public synchronized Optional<Position> predictionPosition(String frameId) {
    return Optional.ofNullable(predictions.get(frameId));
  }

  /** Flags so far, newest first. */
  public synchronized List<Flag> flags() {
    List<Flag> newestFirst = new ArrayList<>(flags);
    newestFirst.sort(Comparator.comparing(Flag::flaggedAt).reversed());
    return newestFirst;
  }

  /** How often a frame was flagged: numbers its next flag task. */
  public synchronized long flagsOf(String frameId) {
    return flags.stream().filter(f -> f.frameId().equals(frameId)).count();
  }
}
